// goexitmain: runtime.Goexit called by the main goroutine.
//
// main defers a println and calls runtime.Goexit(): the deferred call runs,
// the main goroutine exits without returning from main.main, and with no
// user goroutine left the runtime reports a deadlock. Go prints
// "calling Goexit", "deferred in main",
// "fatal error: no goroutines (main called runtime.Goexit) - deadlock!"
// (no traceback, "not reached" is never printed); exit status 2.
package main

import "runtime"

func main() {
	defer println("deferred in main")
	println("calling Goexit")
	runtime.Goexit()
	println("not reached")
}

// closenil: close of a nil channel.
//
// main prints "closing" and calls the noinline shut(ch) with a nil channel.
// Go prints "panic: close of nil channel", a blank line,
// "goroutine 1 [running]:" and the frames main.shut(...), main.main()
// (runtime.closechan is hidden); exit status 2.
package main

//go:noinline
func shut(ch chan int) {
	close(ch)
}

func main() {
	var ch chan int
	println("closing")
	shut(ch)
}

// panicint: an unrecovered panic with an int value.
//
// main calls the noinline fail(42), which does panic(n). Go prints
// "panic: 42", a blank line, "goroutine 1 [running]:" and the frames
// main.fail(...), main.main(); exit status 2.
package main

//go:noinline
func fail(n int) {
	panic(n)
}

func main() {
	fail(42)
}

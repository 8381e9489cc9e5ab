// panicsecond: a deferred function panics while f() is already panicking
// (like panicnested, one call level deeper and with string values).
//
// Go prints "panic: first", then "\tpanic: second" (tab-indented, no
// "[recovered]"), a blank line, "goroutine 1 [running]:" and the frames
// main.f.func1(), panic({...}) (runtime.gopanic of the first panic),
// main.f(), main.main(); exit status 2.
package main

//go:noinline
func f() {
	defer func() {
		panic("second")
	}()
	panic("first")
}

func main() {
	f()
}

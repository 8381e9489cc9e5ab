// repanic: a deferred function recovers a panic and then panics again.
//
// f() panics with "boom"; its deferred closure recovers it, prints
// "got boom", and panics with "again: boom". The first panic is still on the
// goroutine's panic list, marked recovered, so Go prints "got boom",
// "panic: boom [recovered]", "\tpanic: again: boom", a blank line and the
// traceback main.f.func1(), panic({...}), main.f(), main.main(); exit 2.
package main

//go:noinline
func f() {
	defer func() {
		r := recover()
		println("got", r.(string))
		panic("again: " + r.(string))
	}()
	panic("boom")
}

func main() {
	f()
}

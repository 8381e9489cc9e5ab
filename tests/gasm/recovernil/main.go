// recovernil: a nil pointer dereference (a real SIGSEGV turned into a
// run-time panic) recovered by a deferred closure.
//
// try(nil) calls the noinline load(p *int), which reads *p. The deferred
// closure in try recovers and prints
// "recovered: runtime error: invalid memory address or nil pointer dereference";
// main then prints "done"; exit status 0.
package main

//go:noinline
func load(p *int) int { return *p }

//go:noinline
func try(p *int) (v int) {
	defer func() {
		if r := recover(); r != nil {
			println("recovered:", r.(error).Error())
		}
	}()
	return load(p)
}

func main() {
	var p *int
	try(p)
	println("done")
}

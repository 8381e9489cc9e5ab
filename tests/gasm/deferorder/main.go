// deferorder: deferred calls run last-in first-out, with their arguments
// evaluated when the defer statement executes.
//
// three() defers println("deferred", i) inside a loop (i = 1, 2, 3; i is
// incremented after each defer), so the defers are not open-coded and go
// through runtime.deferproc. Go prints "before", "three returns", then
// "deferred 3", "deferred 2", "deferred 1" (LIFO, each with the value i had
// at defer time), then "after"; exit status 0.
package main

//go:noinline
func three() {
	for i := 1; i <= 3; i++ {
		defer println("deferred", i)
	}
	println("three returns")
}

func main() {
	println("before")
	three()
	println("after")
}

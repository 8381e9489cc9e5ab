// gopanic: an unrecovered panic on a goroutine other than main.
//
// main starts worker and waits on a channel worker never sends on, because
// worker calls crash(), which panics. Go prints "panic: crash in goroutine",
// a blank line, "goroutine N [running]:" (only the panicking goroutine; N is
// not fixed, see NOTES.md), the frames main.crash(), main.worker(...), and
// "created by main.main" with the location of the go statement; exit 2.
package main

//go:noinline
func crash() {
	panic("crash in goroutine")
}

//go:noinline
func worker(ch chan int) {
	crash()
	ch <- 1
}

func main() {
	ch := make(chan int)
	go worker(ch)
	<-ch
}

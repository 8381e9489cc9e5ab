// sendclosed: a send on a closed channel.
//
// main closes a buffered channel, prints "closed", and calls the noinline
// send(ch, 1). Go prints "panic: send on closed channel" (no "runtime
// error:" prefix), a blank line, "goroutine 1 [running]:" and the frames
// main.send(...), main.main() (runtime.chansend1 is hidden); exit status 2.
package main

//go:noinline
func send(ch chan int, v int) {
	ch <- v
}

func main() {
	ch := make(chan int, 1)
	close(ch)
	println("closed")
	send(ch, 1)
}

// deadlockmany: every goroutine blocked, each differently.
//
// main starts sender (blocks sending on an unbuffered channel nobody
// receives from), nilwait (blocks receiving from a nil channel) and
// yielder (calls runtime.Gosched in a loop until it has seen the others
// start, then blocks sending on a nil channel), and then blocks receiving
// on its own channel. Go prints "fatal error: all goroutines are asleep -
// deadlock!", then every goroutine with its wait reason — goroutine 1
// [chan receive], [chan send], [chan receive (nil chan)], [chan send (nil
// chan)] — and each one's "created by main.main"; exit status 2.
package main

import "runtime"

//go:noinline
func sender(c chan int) {
	c <- 1
}

//go:noinline
func nilwait() {
	var c chan int
	<-c
}

//go:noinline
func yielder() {
	for i := 0; i < 10; i++ {
		runtime.Gosched()
	}
	var c chan int
	c <- 1
}

func main() {
	c := make(chan int)
	done := make(chan int)
	go sender(c)
	go nilwait()
	go yielder()
	<-done
}

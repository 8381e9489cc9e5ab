// deadlock: the only goroutine blocks forever on a channel receive.
//
// main prints "waiting" and receives from a channel nobody sends on. Go
// prints "fatal error: all goroutines are asleep - deadlock!", a blank line,
// "goroutine 1 [chan receive]:" and the frame main.main(); exit status 2.
package main

func main() {
	ch := make(chan int)
	println("waiting")
	<-ch
}

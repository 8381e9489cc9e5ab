// pingpong: two goroutines handing a counter back and forth over unbuffered
// channels.
//
// main starts pinger and ponger and sends 0 on ping. pinger prints "ping n"
// and passes n to ponger on pong; ponger prints "pong n" and sends n+1 back
// on ping. At n == 6 pinger signals done instead and main prints
// "game over". Every print is ordered by a channel handoff, so the output is
// deterministic: "ping 0", "pong 0", ..., "ping 5", "pong 5", "ping 6",
// "game over"; exit status 0 (ponger is still blocked on pong when main
// returns).
package main

//go:noinline
func pinger(ping, pong chan int, done chan bool) {
	for {
		n := <-ping
		println("ping", n)
		if n == 6 {
			done <- true
			return
		}
		pong <- n
	}
}

//go:noinline
func ponger(pong, ping chan int) {
	for {
		n := <-pong
		println("pong", n)
		ping <- n + 1
	}
}

func main() {
	ping := make(chan int)
	pong := make(chan int)
	done := make(chan bool)
	go pinger(ping, pong, done)
	go ponger(pong, ping)
	ping <- 0
	<-done
	println("game over")
}

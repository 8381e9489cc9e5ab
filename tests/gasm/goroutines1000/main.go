// goroutines1000: many goroutines, each growing its own stack.
//
// main starts 1000 goroutines; goroutine i recurses i % 50 levels deep in
// down(), which passes a 256-byte array by value (so every frame is ~270-290
// bytes and the deeper goroutines outgrow their initial stack), then sends
// its depth back over an unbuffered channel. main sums the 1000 depths
// (20 * (0+1+...+49) = 24500) and prints "sum 24500"; exit status 0.
package main

//go:noinline
func down(n int, pad [256]byte) int {
	if n == 0 {
		return int(pad[0])
	}
	pad[n] = byte(n)
	return 1 + down(n-1, pad)
}

//go:noinline
func worker(i int, out chan int) {
	var pad [256]byte
	out <- down(i%50, pad)
}

func main() {
	out := make(chan int)
	for i := 0; i < 1000; i++ {
		go worker(i, out)
	}
	sum := 0
	for i := 0; i < 1000; i++ {
		sum += <-out
	}
	println("sum", sum)
}

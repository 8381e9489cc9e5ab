// recoverdiv: a run-time integer division by zero recovered by a deferred
// closure, between two normal divisions.
//
// safediv() calls the noinline div(); its deferred closure recovers the
// runtime error and prints it with r.(error).Error(); the named result q
// stays 0. Go prints "10 / 2 = 5",
// "recovered: runtime error: integer divide by zero", "1 / 0 gave 0",
// "9 / 3 = 3"; exit status 0.
package main

//go:noinline
func div(a, b int) int { return a / b }

//go:noinline
func safediv(a, b int) (q int) {
	defer func() {
		if r := recover(); r != nil {
			println("recovered:", r.(error).Error())
		}
	}()
	return div(a, b)
}

func main() {
	println("10 / 2 =", safediv(10, 2))
	q := safediv(1, 0)
	println("1 / 0 gave", q)
	println("9 / 3 =", safediv(9, 3))
}

// panicerror: an unrecovered panic whose value is an error.
//
// check() recovers a divide-by-zero runtime error into its error result;
// main prints "check failed: runtime error: integer divide by zero" and then
// panics with that error value. Go prints the value with its Error method:
// "panic: runtime error: integer divide by zero", a blank line and a
// traceback with the single frame main.main() (check has returned, and no
// "[recovered]": that panic is finished); exit status 2.
package main

//go:noinline
func div(a, b int) int { return a / b }

//go:noinline
func check(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	return div(a, b), nil
}

func main() {
	_, err := check(1, 0)
	println("check failed:", err.Error())
	panic(err)
}

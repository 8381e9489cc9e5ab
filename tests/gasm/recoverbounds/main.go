// recoverbounds: an array index out of range recovered by a deferred closure,
// between two normal indexings.
//
// at(i) indexes a local [3]int with its argument; at is noinline so the
// index 5 is only known at run time. The deferred closure recovers and
// prints the runtime error; the named result v stays 0. Go prints
// "a[1] = 20", "recovered: runtime error: index out of range [5] with length 3",
// "a[5] gave 0", "a[2] = 30"; exit status 0.
package main

//go:noinline
func at(i int) (v int) {
	defer func() {
		if r := recover(); r != nil {
			println("recovered:", r.(error).Error())
		}
	}()
	a := [3]int{10, 20, 30}
	return a[i]
}

func main() {
	println("a[1] =", at(1))
	v := at(5)
	println("a[5] gave", v)
	println("a[2] =", at(2))
}

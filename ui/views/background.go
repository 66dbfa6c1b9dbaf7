package views

import "facecase/ui/async"

// background runs a short backend call (a case write, a read that may wait
// on the disk) off the UI goroutine and hands its error to done on the UI
// goroutine. Long work with progress uses a TaskBar instead.
func background(name string, work func() error, done func(error)) {
	go func() {
		err := work()
		async.Do(name, func() { done(err) })
	}()
}

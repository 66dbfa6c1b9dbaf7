// Package funclen holds no code: its test keeps every function of the
// project's non-test Go files at MaxLines lines or fewer, counted from the
// func keyword to the closing brace, so that a long function is split when
// it is written instead of when someone has to read it. A function that
// truly cannot be split goes in the test's short allow-list, with the
// reason.
package funclen

// MaxLines is the longest a function may be.
const MaxLines = 80

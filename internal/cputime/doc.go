// Package cputime reads the processor time the process has used, for
// benchmarks that report it beside wall time: on a shared machine it says
// more about the work than wall time does. Only tests and benchmarks use
// it.
package cputime

//go:build !tour

package main

import "flag"

// tourFlag: the shipped app has no tour (see tour.go, tag "tour").
func tourFlag(*flag.FlagSet) func() driver { return func() driver { return nil } }

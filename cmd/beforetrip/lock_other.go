//go:build !unix

package main

// lockOutput does nothing where flock is missing: one writer per output
// folder is then up to the operator (see lock_unix.go).
func lockOutput(string, string) (func(), error) { return func() {}, nil }

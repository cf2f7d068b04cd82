//go:build !unix

package build

// LockOutput does nothing where flock is missing: one writer per output
// folder is then up to the operator (see lock_unix.go).
func LockOutput(string, string) (func(), error) { return func() {}, nil }

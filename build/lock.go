package build

// LockFile is the file inside the output folder that the process writing
// the folder holds locked (beforetrip build, serve or api), so a second
// writer is refused instead of interleaving its files with the first's.
// It is a dot file: nginx and serve never serve it, and a cold build
// counts the folder as empty with only this file in it.
const LockFile = ".beforetrip-lock"

package beforetrip

import "strings"

// Debris reports whether a file or folder name (a base name, not a path) is
// editor or OS debris, never part of the site: swap, backup, lock and
// temporary files that editors write next to the file they save, and
// hidden entries (.git, .idea, .DS_Store, .#emacs-locks, vim's .x.md.swp).
// The watcher does not rebuild for them and the builder does not load
// them: one rule for both, or an emacs autosave (#x.md#) left in content/
// would fail every full build while no edit of it ever rebuilt.
//
// Editors that save through a temporary file (vim with backupcopy=no,
// JetBrains "safe write", VS Code) finish with a rename onto the real name,
// which the watcher does see, so ignoring their temporaries loses nothing.
func Debris(name string) bool {
	if name == "" {
		return true
	}
	switch {
	case name[0] == '.': // hidden: .git, .DS_Store, .#file (emacs), .file.swp (vim)
		return true
	case name == "4913": // vim probes whether it may create files in the folder
		return true
	case strings.HasSuffix(name, "~"): // vim/emacs backups
		return true
	case len(name) > 1 && name[0] == '#' && name[len(name)-1] == '#': // emacs auto-save
		return true
	}
	for _, suffix := range ignoredSuffixes {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// ignoredSuffixes are endings of temporary files written by common editors.
var ignoredSuffixes = []string{
	".swp", ".swx", ".swo", // vim swap files (normally hidden, but not always)
	".tmp", ".temp", // generic temp+rename savers
	"___jb_tmp___", "___jb_old___", "___jb_bak___", // JetBrains safe write
	".kate-swp", // Kate
	".crswap",   // Chrome's File System Access API
	".part", ".crdownload",
}

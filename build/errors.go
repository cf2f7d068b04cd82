package build

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// FileError is one problem in one content file: the file (relative to the
// content folder's parent, slash-separated, e.g.
// "content/countries/japan/_index.md"), the 1-based line, the front-matter
// field ("" when the problem is not about one field) and what is wrong.
type FileError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

// Error formats the problem as "file:line: field NAME: message".
func (e *FileError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s:%d: field %s: %s", e.File, e.Line, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Errors is every problem found in one run. A build that returns Errors has
// written nothing.
type Errors []*FileError

// Error lists every problem, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sort orders problems by file, then line, so reports are stable.
func (es Errors) sort() {
	slices.SortStableFunc(es, func(a, b *FileError) int {
		if c := cmp.Compare(a.File, b.File); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
}

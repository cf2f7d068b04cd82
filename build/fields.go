package build

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// fieldReader reads typed front-matter fields straight from the YAML node
// tree (no reflection) and records every problem with its file line.
type fieldReader struct {
	file   string
	offset int
	line   int // line for "required" errors: the first key, or the "---"
	values map[string]*yaml.Node
	errs   Errors
}

// newFieldReader indexes the keys of fm, reporting unknown and duplicate
// keys. allowed lists the keys this kind of page may have.
func newFieldReader(file string, fm *frontMatter, allowed map[string]bool) *fieldReader {
	r := &fieldReader{file: file, offset: fm.offset, line: 1, values: map[string]*yaml.Node{}}
	if fm.root == nil {
		return r
	}
	if len(fm.root.Content) > 0 {
		r.line = fm.root.Content[0].Line + r.offset
	}
	for i := 0; i+1 < len(fm.root.Content); i += 2 {
		k, v := fm.root.Content[i], fm.root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.errAt(k, "", "keys must be plain names")
			continue
		}
		switch {
		case !allowed[k.Value]:
			r.errAt(k, k.Value, "unknown field")
		case r.values[k.Value] != nil:
			r.errAt(k, k.Value, "given twice")
		default:
			r.values[k.Value] = v
		}
	}
	return r
}

func (r *fieldReader) errAt(n *yaml.Node, field, format string, args ...any) {
	r.errs = append(r.errs, &FileError{File: r.file, Line: n.Line + r.offset, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (r *fieldReader) required(field string) {
	r.errs = append(r.errs, &FileError{File: r.file, Line: r.line, Field: field, Msg: "required"})
}

// scalar returns the text of a scalar node, rejecting lists, maps and null.
func (r *fieldReader) scalar(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		r.errAt(n, field, "must be a single value, not a %s", kindName(n))
		return "", false
	}
	if n.Tag == "!!null" {
		r.errAt(n, field, "must not be empty")
		return "", false
	}
	return n.Value, true
}

// str reads a string field; numbers are accepted as their text.
func (r *fieldReader) str(field string, required bool) string {
	n := r.values[field]
	if n == nil {
		if required {
			r.required(field)
		}
		return ""
	}
	return r.nodeStr(n, nil, field, required)
}

// strList reads a list of strings.
func (r *fieldReader) strList(field string, required bool) []string {
	n := r.values[field]
	if n == nil {
		if required {
			r.required(field)
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errAt(n, field, "must be a list, e.g. [a, b]")
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, ok := r.scalar(c, field)
		if !ok {
			continue
		}
		if s = strings.TrimSpace(s); s == "" {
			r.errAt(c, field, "list items must not be empty")
			continue
		}
		out = append(out, s)
	}
	if required && len(n.Content) == 0 {
		r.errAt(n, field, "must not be empty")
	}
	return out
}

// integer reads an int field; ok is false when it is absent or invalid.
func (r *fieldReader) integer(field string, required bool) (int, bool) {
	n := r.values[field]
	if n == nil {
		if required {
			r.required(field)
		}
		return 0, false
	}
	s, ok := r.scalar(n, field)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" {
		r.errAt(n, field, "must be a whole number, got %q", s)
		return 0, false
	}
	return v, true
}

// boolean reads a bool field.
func (r *fieldReader) boolean(field string) bool {
	n := r.values[field]
	if n == nil {
		return false
	}
	s, ok := r.scalar(n, field)
	if !ok {
		return false
	}
	if n.Tag != "!!bool" {
		r.errAt(n, field, "must be true or false, got %q", s)
		return false
	}
	return s == "true" || s == "True" || s == "TRUE"
}

// date reads YYYY-MM-DD or RFC 3339.
func (r *fieldReader) date(field string, required bool) time.Time {
	n := r.values[field]
	if n == nil {
		if required {
			r.required(field)
		}
		return time.Time{}
	}
	return r.nodeDate(n, field)
}

// nodeDate reads a date value (nil: zero time, no error).
func (r *fieldReader) nodeDate(n *yaml.Node, field string) time.Time {
	if n == nil {
		return time.Time{}
	}
	s, ok := r.scalar(n, field)
	if !ok {
		return time.Time{}
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	r.errAt(n, field, "must be a date like 2025-03-14 or 2025-03-14T09:00:00Z, got %q", s)
	return time.Time{}
}

// enum reads a string that must be one of values.
func (r *fieldReader) enum(field string, required bool, values ...string) string {
	n := r.values[field]
	s := r.str(field, required)
	if s == "" || n == nil {
		return s
	}
	for _, v := range values {
		if s == v {
			return s
		}
	}
	r.errAt(n, field, "must be one of %s, got %q", strings.Join(values, ", "), s)
	return ""
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	default:
		return "value"
	}
}

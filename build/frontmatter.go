package build

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Front-matter limits: YAML anchors and aliases can expand a few bytes
// into gigabytes ("billion laughs"), so front matter is small, alias-free
// and has a bounded node count.
const (
	maxFrontMatter = 64 << 10
	maxNodes       = 5000
)

// frontMatter is a parsed front-matter block.
type frontMatter struct {
	root   *yaml.Node // mapping node; nil when the block is empty
	offset int        // added to YAML line numbers to get file lines
	body   []byte     // the Markdown after the closing "---"
	// bodyLine is the number of lines before the body: body line n is
	// file line bodyLine+n.
	bodyLine int
}

// splitFrontMatter separates "---\nYAML\n---\nbody". It returns a
// *FileError (without File) when the block is missing, unterminated,
// too large or invalid YAML.
func splitFrontMatter(data []byte) (*frontMatter, *FileError) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first, rest, ok := cutLine(data)
	if !ok || strings.TrimRight(string(first), " \t\r") != "---" {
		return nil, &FileError{Line: 1, Msg: `front matter missing: the file must start with a "---" line`}
	}
	fmStart := len(data) - len(rest)
	pos := fmStart
	for {
		l, r, more := cutLine(data[pos:])
		if strings.TrimRight(string(l), " \t\r") == "---" {
			fm := data[fmStart:pos]
			if len(fm) > maxFrontMatter {
				return nil, &FileError{Line: 1, Msg: "front matter larger than 64 KiB"}
			}
			root, ferr := parseYAML(fm)
			if ferr != nil {
				ferr.Line += 1 // YAML line 1 is file line 2
				return nil, ferr
			}
			return &frontMatter{root: root, offset: 1, body: r, bodyLine: bytes.Count(data[:len(data)-len(r)], []byte("\n"))}, nil
		}
		if !more {
			return nil, &FileError{Line: 1, Msg: `front matter not closed: no "---" line after it`}
		}
		pos = len(data) - len(r)
		if pos-fmStart > maxFrontMatter {
			return nil, &FileError{Line: 1, Msg: "front matter larger than 64 KiB"}
		}
	}
}

// cutLine returns the first line of b (without "\n"), the rest, and whether
// a newline was found.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	return b[:i], b[i+1:], true
}

// parseYAML parses one YAML document into its root mapping node. Lines in
// the returned error are relative to the YAML text.
func parseYAML(fm []byte) (*yaml.Node, *FileError) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		line, text := brokenLine(fm, yamlErrLine(err))
		return nil, &FileError{Line: line, Msg: fmt.Sprintf("invalid YAML at `%s`: %s", text, yamlErrMsg(err))}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &FileError{Line: root.Line, Msg: "front matter must be a mapping of keys to values"}
	}
	count := 0
	if bad := checkNodes(root, &count); bad != nil {
		return nil, bad
	}
	return root, nil
}

// checkNodes rejects anchors, aliases and oversized trees.
func checkNodes(n *yaml.Node, count *int) *FileError {
	*count++
	if *count > maxNodes {
		return &FileError{Line: n.Line, Msg: "front matter has too many YAML nodes"}
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return &FileError{Line: n.Line, Msg: "YAML anchors and aliases are not allowed in front matter"}
	}
	for _, c := range n.Content {
		if err := checkNodes(c, count); err != nil {
			return err
		}
	}
	return nil
}

// maxBlameTries bounds the parses brokenLine makes.
const maxBlameTries = 200

// brokenLine returns the line where the YAML that fails to parse starts,
// and its text. yaml.v3 reports where it noticed the problem: an unclosed
// quote on the first line is reported at the end of the block, and an
// unclosed [ or { one line early. The broken value starts on the line
// after the longest run of first lines that parses on its own; it is
// looked for at and before the reported line (a value spanning several
// lines, like a quoted string, makes shorter runs fail too).
func brokenLine(fm []byte, reported int) (int, string) {
	lines := strings.SplitAfter(string(fm), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return 1, ""
	}
	line := min(max(reported, 1), len(lines))
	for n, tries := min(reported, len(lines)), 0; n >= 0 && tries < maxBlameTries; n, tries = n-1, tries+1 {
		var doc yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &doc) == nil {
			line = min(n+1, len(lines))
			break
		}
	}
	text := strings.TrimRight(lines[line-1], " \t\r\n")
	if r := []rune(text); len(r) > 60 {
		text = string(r[:60]) + "…"
	}
	return line, text
}

// yamlErrLine extracts N from yaml.v3's "yaml: line N: ..." messages.
func yamlErrLine(err error) int {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if i := strings.Index(msg, "line "); i >= 0 {
		s := msg[i+5:]
		if j := strings.IndexByte(s, ':'); j > 0 {
			if n, err := strconv.Atoi(s[:j]); err == nil {
				return n
			}
		}
	}
	return 1
}

func yamlErrMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, "line "); i == 0 {
		if j := strings.Index(msg, ": "); j > 0 {
			msg = msg[j+2:]
		}
	}
	return msg
}

package eval

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrBadPattern is returned for a file-name pattern that cannot be used.
var ErrBadPattern = errors.New("bad file-name pattern")

// IdentityField is the pattern field that names the person; without it the
// identity is the name of the folder holding the file.
const IdentityField = "identity"

// FilePattern matches file names that carry labels, such as
// "{age}_{sex}_{group}_*.jpg". A {field} matches one or more characters
// other than "/" (as few as possible), "*" any run of characters other than
// "/", "?" one such character; everything else is literal. A pattern with
// a "/" is matched against the path below the dataset folder, one without
// against the file name alone.
type FilePattern struct {
	text   string
	re     *regexp.Regexp
	fields []string
}

// ParseFilePattern compiles a pattern.
func ParseFilePattern(pattern string) (*FilePattern, error) {
	var b strings.Builder
	b.WriteString("^")
	p := &FilePattern{text: pattern}
	seen := map[string]bool{}
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '{':
			end := strings.IndexByte(pattern[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("%w %q: unclosed {", ErrBadPattern, pattern)
			}
			name := pattern[i+1 : i+end]
			if !validFieldName(name) {
				return nil, fmt.Errorf("%w %q: field name %q must be letters, digits or _", ErrBadPattern, pattern, name)
			}
			if seen[name] {
				return nil, fmt.Errorf("%w %q: field {%s} appears twice", ErrBadPattern, pattern, name)
			}
			seen[name] = true
			p.fields = append(p.fields, name)
			b.WriteString("([^/]+?)")
			i += end
		case '}':
			return nil, fmt.Errorf("%w %q: } without {", ErrBadPattern, pattern)
		case '*':
			b.WriteString("[^/]*")
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	if len(p.fields) == 0 {
		return nil, fmt.Errorf("%w %q: no {field} to read labels from", ErrBadPattern, pattern)
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrBadPattern, pattern, err)
	}
	p.re = re
	return p, nil
}

func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Fields lists the pattern's field names in order.
func (p *FilePattern) Fields() []string { return append([]string(nil), p.fields...) }

// String is the pattern as given.
func (p *FilePattern) String() string { return p.text }

// Match reads the fields from rel, a slash-separated path below the dataset
// folder; ok is false when the name does not match.
func (p *FilePattern) Match(rel string) (values map[string]string, ok bool) {
	subject := rel
	if !strings.Contains(p.text, "/") {
		subject = rel[strings.LastIndexByte(rel, '/')+1:]
	}
	m := p.re.FindStringSubmatch(subject)
	if m == nil {
		return nil, false
	}
	values = make(map[string]string, len(p.fields))
	for i, f := range p.fields {
		values[f] = m[i+1]
	}
	return values, true
}

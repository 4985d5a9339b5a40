package plan

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// DefaultTags is how many of a repository's newest complete tags a plan
// considers.
const DefaultTags = 1

// completeTag is <sam-cli version>-<YYYYMMDDhhmmss>-x86_64, as
// matrix's ref-incomplete rule accepts it.
var completeTag = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)-(\d{14})-x86_64$`) })

// Tag is a complete SAM build image tag, <sam-cli>-<YYYYMMDDhhmmss>-x86_64.
type Tag struct {
	Raw string
	// SAM is the SAM CLI version, compared numerically (1.99.0 < 1.100.0).
	SAM [3]int
	// Time is the build timestamp, YYYYMMDDhhmmss.
	Time string
}

// ParseTag parses a complete tag; ok is false for any other tag (latest,
// latest-x86_64, 1.145.2, arm64 tags, a timestamp that is no date).
func ParseTag(s string) (t Tag, ok bool) {
	m := completeTag().FindStringSubmatch(s)
	if m == nil {
		return Tag{}, false
	}
	if _, err := time.Parse("20060102150405", m[4]); err != nil {
		return Tag{}, false
	}
	t = Tag{Raw: s, Time: m[4]}
	for i := range 3 {
		n, err := strconv.Atoi(m[i+1])
		if err != nil {
			return Tag{}, false
		}
		t.SAM[i] = n
	}
	return t, true
}

// Compare orders tags by SAM CLI version, then by timestamp: -1 when t is
// older than u.
func (t Tag) Compare(u Tag) int {
	return cmp.Or(
		cmp.Compare(t.SAM[0], u.SAM[0]),
		cmp.Compare(t.SAM[1], u.SAM[1]),
		cmp.Compare(t.SAM[2], u.SAM[2]),
		cmp.Compare(t.Time, u.Time),
	)
}

// Newest returns the n newest complete tags among tags, newest first; the
// other tags are left out. n < 1 means all of them.
func Newest(tags []string, n int) []Tag {
	var out []Tag
	for _, s := range tags {
		if t, ok := ParseTag(s); ok {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b Tag) int { return b.Compare(a) })
	out = slices.CompactFunc(out, func(a, b Tag) bool { return a.Raw == b.Raw })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

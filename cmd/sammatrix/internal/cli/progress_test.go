package cli

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

// progressLines returns the lines p drew, each without its clearing prefix.
func progressLines(t *testing.T, out string) []string {
	t.Helper()
	if !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("progress output %q does not end by clearing the line", out)
	}
	lines := strings.Split(out, "\r\033[K")
	return lines[1 : len(lines)-1]
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, func() int { return 200 })
	l1 := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}
	l2 := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("b", 64)}
	l3 := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("c", 64)}
	p.event(reader.Event{Image: "oci:x", Layer: l3, Read: 9e6, Total: 9e6, Cached: true, Done: true})
	p.event(reader.Event{Image: "oci:x", Layer: l1, Read: 1e6, Total: 2e6})
	p.event(reader.Event{Image: "oci:x", Layer: l1, Read: 2e6, Total: 2e6, Done: true})
	p.event(reader.Event{Image: "oci:y", Layer: l2, Read: 3e6, Total: 3e6, Done: true})
	p.finish()
	lines := progressLines(t, b.String())
	if len(lines) != 3 {
		t.Fatalf("progress drew %q, want 3 lines", lines)
	}
	if first := lines[0]; !strings.HasPrefix(first, "0 layers read, 1 cached, 1 reading  oci:x aaaaaaaaaaaa  1.0 MB  ") {
		t.Errorf("first progress line = %q, want 0 layers read, 1 cached, 1 reading, the image and layer, 1.0 MB", first)
	}
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "2 layers read, 1 cached  oci:y bbbbbbbbbbbb  5.0 MB  ") || !strings.HasSuffix(last, "MB/s") {
		t.Errorf("last progress line = %q, want 2 layers read, 1 cached, the last image and layer, 5.0 MB and a rate", last)
	}
	for _, l := range lines {
		// A total that grows while layers are found would mislead: none is shown.
		if total := regexp.MustCompile(`\d+/\d+ layers`); total.MatchString(l) {
			t.Errorf("progress line %q shows a total of layers, want none until it is known", l)
		}
	}
}

func TestProgressWidth(t *testing.T) {
	layer := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}
	image := "public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64"
	tests := []struct {
		name  string
		width int
		want  int // most runes on the line
	}{
		{"narrow", 40, 39},
		{"default", defaultWidth, defaultWidth - 1},
		{"one column", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			p := newProgress(&b, func() int { return tt.width })
			p.event(reader.Event{Image: image, Layer: layer, Read: 1e6, Total: 2e6, Done: true})
			p.finish()
			lines := progressLines(t, b.String())
			if len(lines) != 1 {
				t.Fatalf("progress drew %q, want 1 line", lines)
			}
			line := lines[0]
			if n := utf8.RuneCountInString(line); n > tt.want {
				t.Errorf("progress line at width %d = %q (%d runes), want at most %d", tt.width, line, n, tt.want)
			}
			if tt.want > 20 && !strings.HasPrefix(line, "1 layer read, 0 cached  public.ecr") {
				t.Errorf("progress line at width %d = %q, want it to start with the counts and the image", tt.width, line)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abcdef", 10, "abcdef"},
		{"abcdef", 6, "abcdef"},
		{"abcdef", 4, "abc…"},
		{"→→→→", 3, "→→…"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := truncate(tt.s, tt.n); got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
		})
	}
}

package report

import "testing"

func TestPrintable(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"plain", "node needs GLIBCXX_3.4.26 → 6.0.24", "node needs GLIBCXX_3.4.26 → 6.0.24"},
		{"escape sequence", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"line ends and tab", "a\r\nb\tc", `a\r\nb\tc`},
		{"NUL, backspace, DEL", "a\x00b\bc\x7f", `a\x00b\x08c\x7f`},
		{"C1 control", "a\u0085b\u009bc", `a\u0085b\u009bc`},
		{"line separator", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"bidirectional override", "a\u202eb\u2066c", `a\u202eb\u2066c`},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"replacement character kept", "a\uFFFDb", "a\uFFFDb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := printable(tt.in); got != tt.want {
				t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

package inspect

import (
	"maps"
	"testing"
)

func TestParseNodeVersionHeader(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"node's header", "#ifndef SRC_NODE_VERSION_H_\n#define SRC_NODE_VERSION_H_\n\n#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 18\n#define NODE_PATCH_VERSION 1\n\n#define NODE_VERSION_IS_LTS 1\n", "v20.18.1"},
		{"no patch", "#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 18\n", ""},
		{"not a number", "#define NODE_MAJOR_VERSION x\n#define NODE_MINOR_VERSION 1\n#define NODE_PATCH_VERSION 1\n", ""},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseNodeVersionHeader([]byte(tt.in)); got != tt.want {
				t.Errorf("parseNodeVersionHeader(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseOSRelease(t *testing.T) {
	in := "# a comment\n" +
		"NAME=\"Amazon Linux\"\n" +
		"VERSION_ID='2023'\n" +
		"ID=amzn\n" +
		"PRETTY_NAME=\"Say \\\"hi\\\" for \\$5 \\\\ \\`x\\`\"\n" +
		"VARIANT='a \\\\ b'\n" +
		"\n" +
		"not a line\n"
	want := map[string]string{
		"NAME":        "Amazon Linux",
		"VERSION_ID":  "2023",
		"ID":          "amzn",
		"PRETTY_NAME": "Say \"hi\" for $5 \\ `x`",
		"VARIANT":     "a \\\\ b", // single quotes keep backslashes, as the shell does
	}
	got := parseOSRelease([]byte(in))
	if !maps.Equal(got, want) {
		t.Errorf("parseOSRelease(%q) = %q, want %q", in, got, want)
	}
}

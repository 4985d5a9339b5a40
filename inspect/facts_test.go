package inspect

import (
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

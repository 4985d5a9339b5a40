package cli

import (
	"bytes"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b)
	l1 := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}
	l2 := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("b", 64)}
	l3 := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("c", 64)}
	p.event(reader.Event{Image: "oci:x", Layer: l3, Read: 9e6, Total: 9e6, Cached: true, Done: true})
	p.event(reader.Event{Image: "oci:x", Layer: l1, Read: 1e6, Total: 2e6})
	p.event(reader.Event{Image: "oci:x", Layer: l1, Read: 2e6, Total: 2e6, Done: true})
	p.event(reader.Event{Image: "oci:y", Layer: l2, Read: 3e6, Total: 3e6, Done: true})
	p.finish()
	out := b.String()
	lines := strings.Split(out, "\r\033[K")
	last := lines[len(lines)-2] // the line before the final clearing
	if !strings.HasPrefix(last, "2/2 layers read, 1 cached  oci:y bbbbbbbbbbbb  5.0 MB  ") || !strings.HasSuffix(last, "MB/s") {
		t.Errorf("progress line = %q, want 2 of 2 layers read, 1 cached, the last image and layer, 5.0 MB and a rate", last)
	}
	if !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("progress output %q does not end by clearing the line", out)
	}
}

package synth

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSize parses a size in bytes with an optional binary unit: "512M",
// "64MiB", "1G", "1.5GiB", "4096".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "iB")
	t = strings.TrimSuffix(t, "B")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		}
		if mult > 1 {
			t = t[:len(t)-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("parsing size %q: want a positive number of bytes with an optional unit K, M or G, e.g. 512M", s)
	}
	return int64(f * float64(mult)), nil
}

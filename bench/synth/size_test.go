package synth

import "testing"

func TestParseSize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int64
	}{
		{"bytes", "4096", 4096},
		{"mebibytes", "512M", 512 << 20},
		{"with iB", "64MiB", 64 << 20},
		{"with B", "64MB", 64 << 20},
		{"fraction", "1.5G", 3 << 29},
		{"kibibytes", "8k", 8 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ParseSize(tt.in); err != nil || got != tt.want {
				t.Errorf("ParseSize(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "M", "-1M", "12X", "zero"} {
		if got, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", bad, got)
		}
	}
}

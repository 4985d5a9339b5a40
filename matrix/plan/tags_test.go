package plan_test

import (
	"slices"
	"testing"

	"github.com/sammatrix/sammatrix/matrix/plan"
)

func TestNewest(t *testing.T) {
	tags := []string{
		"latest", "latest-x86_64", "1.145.2", "1.99.0-20250101000000-x86_64",
		"1.100.0-20240101000000-x86_64", "1.100.0-20240102000000-x86_64",
		"1.100.0-20240103000000-arm64", "1.101.0-20241399000000-x86_64",
		"1.100.0-20240102000000-x86_64",
	}
	for _, tc := range []struct {
		name string
		n    int
		want []string
	}{
		{"newest", 1, []string{"1.100.0-20240102000000-x86_64"}},
		{"numeric SAM versions, then timestamps", 3, []string{"1.100.0-20240102000000-x86_64", "1.100.0-20240101000000-x86_64", "1.99.0-20250101000000-x86_64"}},
		{"all, each once", 0, []string{"1.100.0-20240102000000-x86_64", "1.100.0-20240101000000-x86_64", "1.99.0-20250101000000-x86_64"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tg := range plan.Newest(tags, tc.n) {
				got = append(got, tg.Raw)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Newest(tags, %d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}

func TestParseTag(t *testing.T) {
	for _, tc := range []struct {
		tag string
		ok  bool
	}{
		{"1.143.0-20250822194415-x86_64", true},
		{"1.143.0-20251322194415-x86_64", false}, // month 13
		{"1.143.0-20250822194415-arm64", false},
		{"latest-x86_64", false},
		{"1.143.0", false},
		{"", false},
	} {
		if _, ok := plan.ParseTag(tc.tag); ok != tc.ok {
			t.Errorf("ParseTag(%q) ok = %v, want %v", tc.tag, ok, tc.ok)
		}
	}
}

package scan

import "testing"

func TestUnder(t *testing.T) {
	for _, tt := range []struct {
		p, dir string
		want   bool
	}{
		{"/opt/a", "/opt", true},
		{"/opt/a/b", "/opt", true},
		{"/opt", "/opt", false},
		{"/optx", "/opt", false},
		{"/op", "/opt", false},
		{"/var/lang/bin/node", "/var/lang", true},
		{"/var/language", "/var/lang", false},
		{"/x", "/", false},
	} {
		if got := under(tt.p, tt.dir); got != tt.want {
			t.Errorf("under(%q, %q) = %v, want %v", tt.p, tt.dir, got, tt.want)
		}
	}
}

package elfabi

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantPrefix string
		wantNums   []int
		wantOK     bool
	}{
		{"glibcxx", "GLIBCXX_3.4.30", "GLIBCXX_", []int{3, 4, 30}, true},
		{"glibc", "GLIBC_2.2.5", "GLIBC_", []int{2, 2, 5}, true},
		{"one number", "CXXABI_TM_1", "CXXABI_TM_", []int{1}, true},
		{"openssl", "OPENSSL_3.0.0", "OPENSSL_", []int{3, 0, 0}, true},
		{"no underscore", "ZLIB1.2", "ZLIB", []int{1, 2}, true},
		// The number must follow the prefix directly: FLOAT128 is not CXXABI_ 128.
		{"letters before digits", "CXXABI_FLOAT128", "CXXABI_FLOAT", []int{128}, true},
		{"private", "GLIBC_PRIVATE", "GLIBC_", nil, false},
		{"trailing dot", "GLIBC_2.2.", "GLIBC_", nil, false},
		{"double dot", "GLIBC_2..2", "GLIBC_", nil, false},
		{"prefix only", "GLIBC_", "GLIBC_", nil, false},
		{"empty", "", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, n, ok := Split(tt.in)
			if p != tt.wantPrefix || !reflect.DeepEqual(n, tt.wantNums) || ok != tt.wantOK {
				t.Errorf("Split(%q) = %q, %v, %v, want %q, %v, %v", tt.in, p, n, ok, tt.wantPrefix, tt.wantNums, tt.wantOK)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"numeric not lexical", "GLIBCXX_3.4.9", "GLIBCXX_3.4.30", -1},
		{"reverse", "GLIBCXX_3.4.30", "GLIBCXX_3.4.9", 1},
		{"equal", "GLIBCXX_3.4.21", "GLIBCXX_3.4.21", 0},
		{"shorter first", "GLIBCXX_3.4", "GLIBCXX_3.4.1", -1},
		{"glibc 2.2.5 < 2.17", "GLIBC_2.2.5", "GLIBC_2.17", -1},
		{"glibc 2.17 < 2.28", "GLIBC_2.17", "GLIBC_2.28", -1},
		{"cxxabi", "CXXABI_1.3.9", "CXXABI_1.3.11", -1},
		{"numeric before private", "GLIBC_2.34", "GLIBC_PRIVATE", -1},
		{"private after numeric", "GLIBC_PRIVATE", "GLIBC_2.34", 1},
		{"different prefixes as strings", "GLIBCXX_3.4", "GLIBC_2.2.5", -1},
		{"cxxabi tm as string", "CXXABI_1.3.11", "CXXABI_TM_1", -1},
		{"both non-numeric", "GLIBC_PRIVATE", "GLIBC_ABI_DT_RELR", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compare(tt.a, tt.b); got != tt.want {
				t.Errorf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := Less(tt.a, tt.b); got != (tt.want < 0) {
				t.Errorf("Less(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want < 0)
			}
		})
	}
}

func TestSortWithCompare(t *testing.T) {
	in := []string{"GLIBC_2.28", "GLIBC_PRIVATE", "GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.3"}
	want := []string{"GLIBC_2.2.5", "GLIBC_2.3", "GLIBC_2.17", "GLIBC_2.28", "GLIBC_PRIVATE"}
	slices.SortFunc(in, Compare)
	if !slices.Equal(in, want) {
		t.Errorf("sorted = %q, want %q", in, want)
	}
}

func TestMax(t *testing.T) {
	cxx := []string{"CXXABI_1.3", "CXXABI_1.3.9", "CXXABI_1.3.11", "CXXABI_TM_1", "CXXABI_FLOAT128",
		"GLIBCXX_3.4", "GLIBCXX_3.4.9", "GLIBCXX_3.4.30", "GLIBCXX_3.4.24", "GLIBCXX_DEBUG_MESSAGE_LENGTH"}
	tests := []struct {
		name   string
		names  []string
		prefix string
		want   string
	}{
		{"glibcxx numeric", cxx, "GLIBCXX_", "GLIBCXX_3.4.30"},
		{"cxxabi ignores TM and FLOAT128", cxx, "CXXABI_", "CXXABI_1.3.11"},
		{"only odd names", []string{"CXXABI_TM_1", "CXXABI_FLOAT128"}, "CXXABI_", ""},
		{"tm prefix", cxx, "CXXABI_TM_", "CXXABI_TM_1"},
		{"glibc", []string{"GLIBC_2.2.5", "GLIBC_2.28", "GLIBC_2.17", "GLIBC_PRIVATE"}, "GLIBC_", "GLIBC_2.28"},
		{"openssl", []string{"OPENSSL_3.0.0", "OPENSSL_3.4.0", "OPENSSL_3.0.9"}, "OPENSSL_", "OPENSSL_3.4.0"},
		{"absent prefix", cxx, "OPENSSL_", ""},
		{"no names", nil, "GLIBC_", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Max(tt.names, tt.prefix); got != tt.want {
				t.Errorf("Max(%q, %q) = %q, want %q", tt.names, tt.prefix, got, tt.want)
			}
		})
	}
}

func TestMissing(t *testing.T) {
	defines := []string{"GLIBCXX_3.4", "GLIBCXX_3.4.24", "GLIBC_2.26", "GLIBC_2.28"}
	tests := []struct {
		name  string
		needs []Need
		want  []string
	}{
		{"all present", []Need{{Name: "GLIBCXX_3.4"}, {Name: "GLIBC_2.26"}}, nil},
		{"newer missing", []Need{{Name: "GLIBCXX_3.4.29"}, {Name: "GLIBCXX_3.4.26"}, {Name: "GLIBCXX_3.4"}},
			[]string{"GLIBCXX_3.4.26", "GLIBCXX_3.4.29"}},
		{"set membership, not order", []Need{{Name: "GLIBC_2.27"}}, []string{"GLIBC_2.27"}},
		{"weak ignored", []Need{{Name: "GLIBC_2.34", Weak: true}, {Name: "GLIBC_2.35"}}, []string{"GLIBC_2.35"}},
		{"duplicates once", []Need{{Name: "GLIBC_2.9"}, {Name: "GLIBC_2.9"}, {Name: "GLIBC_2.10"}},
			[]string{"GLIBC_2.9", "GLIBC_2.10"}},
		{"no needs", nil, nil},
	}
	// The same answers from a table large enough that Missing builds a
	// set instead of searching the list.
	large := slices.Clone(defines)
	for i := 0; len(large) <= maxMissingScan; i++ {
		large = append(large, fmt.Sprintf("PRIVATE_%d", i))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Missing(tt.needs, defines); !slices.Equal(got, tt.want) {
				t.Errorf("Missing(%v, %q) = %q, want %q", tt.needs, defines, got, tt.want)
			}
			if got := Missing(tt.needs, large); !slices.Equal(got, tt.want) {
				t.Errorf("Missing(%v, %d defined versions) = %q, want %q", tt.needs, len(large), got, tt.want)
			}
		})
	}
}

// Compare agrees with comparing what Split returns, on names near every
// edge of the grammar.
func TestCompareAgreesWithSplit(t *testing.T) {
	reference := func(a, b string) int {
		pa, na, oka := Split(a)
		pb, nb, okb := Split(b)
		if pa == pb {
			switch {
			case oka && okb:
				if c := slices.Compare(na, nb); c != 0 {
					return c
				}
			case oka:
				return -1
			case okb:
				return 1
			}
		}
		return strings.Compare(a, b)
	}
	var names []string
	for _, p := range []string{"GLIBC_", "GLIBCXX_", "CXXABI_TM_", "", "X"} {
		for _, v := range []string{"", "1", "2", "10", "3.4", "3.4.9", "3.4.30", "3.04", "3.4.", ".3", "3..4", "PRIVATE", "99999999999999999999", "3.4.9a"} {
			names = append(names, p+v)
		}
	}
	for _, a := range names {
		for _, b := range names {
			if got, want := Compare(a, b), reference(a, b); got != want {
				t.Errorf("Compare(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

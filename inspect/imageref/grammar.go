package imageref

import "strings"

// The grammars below are checked by hand rather than with regular
// expressions: a counted repetition such as {0,127} compiles into a large
// program, and compiling it cost every run of the command a millisecond
// before main.

// ValidTag reports whether s is a tag by the OCI distribution grammar,
// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
func ValidTag(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// ValidDigest reports whether s is "sha256:" and 64 lower-case hexadecimal
// digits, the only digest form this command reads.
func ValidDigest(s string) bool {
	hex, ok := strings.CutPrefix(s, "sha256:")
	return ok && IsSHA256Hex(hex)
}

// IsSHA256Hex reports whether s is 64 lower-case hexadecimal digits.
func IsSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

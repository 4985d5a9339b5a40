package scan

import "bytes"

// versionNeedles precede the release in a node binary: "node/v20.18.1", or
// "node-v20.18.1" in the headers URL of process.release, which every
// official build carries. Both have the same length.
var versionNeedles = [][]byte{[]byte("node/v"), []byte("node-v")}

// maxVersionLen bounds the "X.Y.Z" part searched after a needle.
const maxVersionLen = 32

// versionFinder finds the first "node/vX.Y.Z" in a stream written to it in
// chunks, including one split across chunks, keeping only a short tail.
type versionFinder struct {
	tail  []byte // the last tailLen bytes seen, where a match may still start
	found string
}

// tailLen is the longest match: needle, version and one terminating byte.
const tailLen = len("node/v") + maxVersionLen + 1

// Write looks for the release in the next chunk of the stream.
func (f *versionFinder) Write(p []byte) (int, error) {
	if f.found != "" {
		return len(p), nil
	}
	// A match starting in the tail may continue into p: look at the tail
	// followed by the beginning of p, for matches starting in the tail.
	if len(f.tail) > 0 {
		b := append(append(make([]byte, 0, len(f.tail)+tailLen), f.tail...), p[:min(len(p), tailLen)]...)
		if v := findVersion(b, len(f.tail), false); v != "" {
			f.found = v
			return len(p), nil
		}
	}
	if v := findVersion(p, len(p), false); v != "" {
		f.found = v
		return len(p), nil
	}
	if len(p) >= tailLen {
		f.tail = append(f.tail[:0], p[len(p)-tailLen:]...)
	} else {
		f.tail = append(f.tail, p...)
		if n := len(f.tail) - tailLen; n > 0 {
			f.tail = append(f.tail[:0], f.tail[n:]...)
		}
	}
	return len(p), nil
}

// Version returns the release found, "" if none; it ends the stream.
func (f *versionFinder) Version() string {
	if f.found == "" && len(f.tail) > 0 {
		f.found = findVersion(f.tail, len(f.tail), true)
	}
	return f.found
}

// findVersion returns the version of the first complete match in b, of any
// needle, that starts before limit. A match running to the end of b is
// complete only at the end of the stream (final), since more digits may
// follow.
func findVersion(b []byte, limit int, final bool) string {
	best, at := "", limit
	for _, needle := range versionNeedles {
		for off := 0; off < at; {
			i := bytes.Index(b[off:], needle)
			if i < 0 || off+i >= at {
				break
			}
			start := off + i + len(needle)
			if v, ok := parseVersion(b[start:], final); ok {
				best, at = "v"+v, off+i
				break
			}
			off = start
		}
	}
	return best
}

// parseVersion parses "X.Y.Z" at the start of b, followed by a byte that is
// not a digit (or by the end of b when final).
func parseVersion(b []byte, final bool) (string, bool) {
	n, parts := 0, 0
	for parts < 3 {
		digits := 0
		for n < len(b) && n < maxVersionLen && b[n] >= '0' && b[n] <= '9' {
			n++
			digits++
		}
		if digits == 0 {
			return "", false
		}
		parts++
		if parts == 3 {
			break
		}
		if n >= len(b) || b[n] != '.' {
			return "", false
		}
		n++
	}
	if n >= maxVersionLen {
		return "", false
	}
	if n == len(b) && !final {
		return "", false
	}
	return string(b[:n]), true
}

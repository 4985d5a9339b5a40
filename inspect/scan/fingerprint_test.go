package scan

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"

	"golang.org/x/sync/semaphore"
)

// fingerprintSizes are content sizes around the piece boundaries.
var fingerprintSizes = []int{0, 1, 1000, fingerprintPiece - 1, fingerprintPiece, fingerprintPiece + 1, 2 * fingerprintPiece, 3*fingerprintPiece + 7}

// TestFingerprinter checks that however the contents are cut into writes,
// the fingerprint is the one its definition gives.
func TestFingerprinter(t *testing.T) {
	var f fingerprinter // reused, as the scanner does
	for _, size := range fingerprintSizes {
		b := pseudoRandom(size)
		want := fp(string(b))
		splits := map[string]func() [16]byte{
			"all in sum": func() [16]byte { return f.sum(b) },
			"all written": func() [16]byte {
				f.write(b)
				return f.sum(nil)
			},
			"whole pieces written, the rest in sum": func() [16]byte {
				n := size / fingerprintPiece * fingerprintPiece
				for p := range slices.Chunk(b[:n], fingerprintPiece) {
					f.write(p)
				}
				return f.sum(b[n:])
			},
			"writes of 1000 bytes": func() [16]byte {
				for p := range slices.Chunk(b, 1000) {
					f.write(p)
				}
				return f.sum(nil)
			},
			"one byte, then the rest in sum": func() [16]byte {
				if size == 0 {
					return f.sum(nil)
				}
				f.write(b[:1])
				return f.sum(b[1:])
			},
			"pieces and a half": func() [16]byte {
				for p := range slices.Chunk(b, fingerprintPiece+fingerprintPiece/2) {
					f.write(p)
				}
				return f.sum(nil)
			},
		}
		for name, run := range splits {
			f.reset()
			if got := FingerprintPrefix + hexOf(run()); got != want {
				t.Errorf("%d bytes, %s: fingerprint %s, want %s", size, name, got, want)
			}
		}
		if got := FingerprintPrefix + hexOf(fingerprint(b)); got != want {
			t.Errorf("fingerprint(%d bytes) = %s, want %s", size, got, want)
		}
	}
}

// TestFingerprinterTellsApart checks that contents differing in one byte,
// in their order of pieces or in length have different fingerprints.
func TestFingerprinterTellsApart(t *testing.T) {
	b := pseudoRandom(3 * fingerprintPiece)
	flipped := slices.Clone(b)
	flipped[2*fingerprintPiece+5] ^= 1
	swapped := slices.Concat(b[fingerprintPiece:2*fingerprintPiece], b[:fingerprintPiece], b[2*fingerprintPiece:])
	seen := map[[16]byte]string{}
	for name, c := range map[string][]byte{
		"contents":         b,
		"one byte flipped": flipped,
		"pieces swapped":   swapped,
		"one byte less":    b[:len(b)-1],
		"one piece":        b[:fingerprintPiece],
		"a piece of zeros": make([]byte, fingerprintPiece),
		"two of zeros":     make([]byte, 2*fingerprintPiece),
	} {
		sum := fingerprint(c)
		if other, ok := seen[sum]; ok {
			t.Errorf("%s and %s have the same fingerprint %x", name, other, sum)
		}
		seen[sum] = name
	}
}

// TestScanFingerprintsLargeFiles checks the fingerprints the scanner
// records for files read through its buffer, ELF files buffered in memory
// and ELF files spilled to disk, at sizes around the piece boundaries.
func TestScanFingerprintsLargeFiles(t *testing.T) {
	fx := buildELF(t)
	var ents []ent
	bodies := map[string][]byte{}
	for _, size := range fingerprintSizes {
		p := fmt.Sprintf("opt/data/%d", size)
		bodies["/"+p] = pseudoRandom(size)
		ents = append(ents, file(p, string(bodies["/"+p])))
		// An ELF file with bytes after its end is still read.
		p = fmt.Sprintf("opt/lib/lib%d.so", size)
		bodies["/"+p] = slices.Concat(fx.lib, pseudoRandom(size))
		ents = append(ents, file(p, string(bodies["/"+p])))
	}
	archive := makeTar(t, ents...)
	for _, spill := range []bool{false, true} {
		t.Run(fmt.Sprintf("spill=%v", spill), func(t *testing.T) {
			opts := Options{TempDir: t.TempDir()}
			if spill {
				opts.Memory = semaphore.NewWeighted(1) // no room: every ELF file goes to disk
			}
			idx, err := Tar(bytes.NewReader(archive), opts)
			if err != nil {
				t.Fatal(err)
			}
			assertEmpty(t, opts.TempDir)
			for p, body := range bodies {
				es := find(idx, p)
				if len(es) != 1 {
					t.Fatalf("entries at %q = %+v, want one", p, es)
				}
				if want := fp(string(body)); es[0].Fingerprint != want {
					t.Errorf("%s (%d bytes): fingerprint %s, want %s", p, len(body), es[0].Fingerprint, want)
				}
				if isLib := bytes.HasPrefix(body, fx.lib); isLib && es[0].ELF == nil {
					t.Errorf("%s: no ELF facts (%s), want them read", p, es[0].ELFError)
				}
			}
		})
	}
}

func hexOf(sum [16]byte) string { return hex.EncodeToString(sum[:]) }

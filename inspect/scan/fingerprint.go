package scan

import "github.com/zeebo/xxh3"

// FingerprintPrefix starts every layer.Entry.Fingerprint: the hash that
// follows, in hex, is the fingerprint defined by fingerprinter.
const FingerprintPrefix = "xxh3-64k:"

// fingerprintPiece is the size of the pieces contents are fingerprinted in.
const fingerprintPiece = chunkSize

// fingerprinter computes the fingerprint of a file's contents: the 128-bit
// XXH3 of the contents when they hold at most fingerprintPiece bytes, and
// otherwise the 128-bit XXH3 of the 128-bit XXH3 hashes (big-endian, 16
// bytes each) of their pieces of fingerprintPiece bytes, in order, the last
// one shorter or not.
//
// Hashed this way, a piece is hashed where it was read: xxh3's streaming
// hasher copies every byte through a buffer of its own once a write has
// left a remainder, which cost more than the hash itself (2 GiB in 64 KiB
// writes: 60 ms streaming, 24 ms piece by piece).
//
// The zero value is ready to use.
type fingerprinter struct {
	tree   xxh3.Hasher // the hashes of the pieces, from the second on
	first  [16]byte    // the hash of the first piece
	pieces int
	// pending holds the start of a piece split across writes; the
	// scanner writes whole pieces, and it stays empty.
	pending []byte
}

// reset forgets what was written.
func (f *fingerprinter) reset() {
	f.tree.Reset()
	f.pieces = 0
	f.pending = f.pending[:0]
}

// write adds b to the contents. The pieces b holds whole are hashed where
// they lie; only a piece begun in one write and ended in another is copied.
func (f *fingerprinter) write(b []byte) {
	if len(f.pending) > 0 {
		n := min(len(b), fingerprintPiece-len(f.pending))
		f.pending = append(f.pending, b[:n]...)
		b = b[n:]
		if len(f.pending) < fingerprintPiece {
			return
		}
		f.piece(f.pending)
		f.pending = f.pending[:0]
	}
	for len(b) >= fingerprintPiece {
		f.piece(b[:fingerprintPiece])
		b = b[fingerprintPiece:]
	}
	f.pending = append(f.pending, b...)
}

// sum returns the fingerprint of what was written followed by last, which
// is hashed where it lies (no copy) when the writes before it ended on a
// piece boundary.
func (f *fingerprinter) sum(last []byte) [16]byte {
	if len(f.pending) > 0 {
		f.write(last)
		last = f.pending
	}
	for len(last) >= fingerprintPiece {
		f.piece(last[:fingerprintPiece])
		last = last[fingerprintPiece:]
	}
	if len(last) > 0 || f.pieces == 0 {
		f.piece(last)
	}
	if f.pieces == 1 {
		return f.first
	}
	return f.tree.Sum128().Bytes()
}

// piece adds the hash of one piece.
func (f *fingerprinter) piece(b []byte) {
	h := xxh3.Hash128(b).Bytes()
	switch f.pieces {
	case 0:
		f.first = h
	case 1:
		f.tree.Write(f.first[:])
		fallthrough
	default:
		f.tree.Write(h[:])
	}
	f.pieces++
}

// fingerprint returns the fingerprint of b.
func fingerprint(b []byte) [16]byte {
	var f fingerprinter
	return f.sum(b)
}

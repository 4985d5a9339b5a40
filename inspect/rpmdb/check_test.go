package rpmdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/knqyf263/go-rpmdb/pkg/bdb"
)

// al2Packages is the committed AL2 BerkeleyDB fixture.
const al2Packages = "../../testdata/fixtures/rpm/al2/upper/Packages"

// firstChain returns the page size and the byte offset, in the database, of
// the first overflow page entry of a hash page, and that page's number.
func firstChain(t *testing.T, db []byte) (ps int, entryOff int, first uint32) {
	t.Helper()
	m, err := bdb.ParseHashMetadataPage(db[:512])
	if err != nil {
		t.Fatal(err)
	}
	ps = int(m.PageSize)
	for no := 0; no <= int(m.LastPageNo); no++ {
		page := db[no*ps : (no+1)*ps]
		h, err := bdb.ParseHashPage(page, false)
		if err != nil || h.PageType != bdb.HashPageType && h.PageType != bdb.HashUnsortedPageType {
			continue
		}
		idxs, err := bdb.HashPageValueIndexes(page, h.NumEntries, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, idx := range idxs {
			if page[idx] == bdb.HashOffIndexPageType {
				e, err := bdb.ParseHashOffPageEntry(page[idx:int(idx)+bdb.HashOffPageSize], false)
				if err != nil {
					t.Fatal(err)
				}
				return ps, no*ps + int(idx), e.PageNo
			}
		}
	}
	t.Fatal("the fixture has no overflow entry")
	return 0, 0, 0
}

// TestCheckRefusesHostileBerkeleyDB damages the AL2 fixture in the ways
// that make go-rpmdb loop forever, allocate without end or panic in its own
// goroutine; Read must refuse each with ErrCorrupt, quickly, and read the
// undamaged file.
func TestCheckRefusesHostileBerkeleyDB(t *testing.T) {
	good, err := os.ReadFile(al2Packages)
	if err != nil {
		t.Fatal(err)
	}
	ps, entry, first := firstChain(t, good)
	const nextPageNo = 16 // offset of NextPageNo in a page header
	for _, tc := range []struct {
		name   string
		damage func(b []byte)
	}{
		{"overflow chain loops", func(b []byte) {
			binary.LittleEndian.PutUint32(b[int(first)*ps+nextPageNo:], first)
		}},
		{"overflow chain reaches a hash page", func(b []byte) {
			// The page holding the entry is a hash page, not an overflow
			// page: go-rpmdb would read it again and again.
			binary.LittleEndian.PutUint32(b[entry+4:], uint32(entry/ps))
		}},
		{"overflow chain leaves the file", func(b []byte) {
			binary.LittleEndian.PutUint32(b[entry+4:], 1<<30)
		}},
		{"entry index outside its page", func(b []byte) {
			// The first value index of the hash page holding the entry.
			page := entry / ps * ps
			binary.LittleEndian.PutUint16(b[page+bdb.PageHeaderSize+bdb.HashIndexEntrySize:], uint16(ps+100))
		}},
		{"more pages claimed than the file has", func(b []byte) {
			binary.LittleEndian.PutUint32(b[32:], uint32(len(b)/ps+10))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(good)
			tc.damage(b)
			_, err := Read(bytes.NewReader(b), t.TempDir(), 0)
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Read(%s) error = %v, want one wrapping ErrCorrupt", tc.name, err)
			}
		})
	}
	if pkgs, err := Read(bytes.NewReader(good), t.TempDir(), 0); err != nil || len(pkgs) == 0 {
		t.Errorf("Read(the undamaged fixture) = %d packages, %v; want its packages", len(pkgs), err)
	}
}

// TestCheckRefusesHostileNDB builds NDB files by hand: a blob longer than
// the file (go-rpmdb would allocate its length as found) and a bad slot
// (go-rpmdb would print to standard output).
func TestCheckRefusesHostileNDB(t *testing.T) {
	ndb := func(slotMagic, blobLen uint32) []byte {
		b := make([]byte, 32+4096+64)
		binary.LittleEndian.PutUint32(b[0:], ndbMagic)
		binary.LittleEndian.PutUint32(b[12:], 1) // one slot page
		for i := 32; i+16 <= 32+4096-32; i += 16 {
			binary.LittleEndian.PutUint32(b[i:], slotMagic)
		}
		// Slot 0: package 1, its block right after the slot page.
		blk := uint32((32 + 4096) / 16)
		binary.LittleEndian.PutUint32(b[36:], 1)
		binary.LittleEndian.PutUint32(b[40:], blk)
		binary.LittleEndian.PutUint32(b[blk*16:], ndbBlobMagic)
		binary.LittleEndian.PutUint32(b[blk*16+4:], 1)
		binary.LittleEndian.PutUint32(b[blk*16+12:], blobLen)
		return b
	}
	for _, tc := range []struct {
		name string
		db   []byte
	}{
		{"blob longer than the file", ndb(ndbSlotMagic, 1<<31)},
		{"bad slot magic", ndb(0xdeadbeef, 8)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "Packages.db")
			if err := os.WriteFile(p, tc.db, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := check(p); !errors.Is(err, ErrCorrupt) {
				t.Errorf("check(NDB with a %s) = %v, want ErrCorrupt", tc.name, err)
			}
		})
	}
}

package rpmdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/knqyf263/go-rpmdb/pkg/bdb"
)

// ErrCorrupt is wrapped by the errors for databases that go-rpmdb must not
// be given: a BerkeleyDB whose page chains loop or leave the file, an NDB
// whose blobs lie outside it. go-rpmdb reads them in a goroutine of its own
// where a bad offset panics the whole process, a looping chain never ends,
// and a blob length is allocated as found; image layers are hostile input.
var ErrCorrupt = errors.New("corrupt rpm database")

// ndbMagic starts an NDB Packages.db: "RpmP" little-endian.
const ndbMagic = 'R' | 'p'<<8 | 'm'<<16 | 'P'<<24

// check walks the database at path the way go-rpmdb will, checking every
// offset, length and page chain it will follow. A file in a format it does
// not know is left for go-rpmdb to refuse.
func check(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	switch {
	case bytes.HasPrefix(head[:n], sqliteMagic):
		return nil // the sqlite driver checks its own pages
	case n >= 4 && binary.LittleEndian.Uint32(head) == ndbMagic:
		return checkNDB(f, st.Size())
	}
	return checkBDB(f, st.Size())
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// checkBDB follows go-rpmdb's reading of a BerkeleyDB hash database.
func checkBDB(f *os.File, size int64) error {
	meta := make([]byte, 512)
	if _, err := f.ReadAt(meta, 0); err != nil {
		return nil // too short: go-rpmdb refuses it
	}
	m, err := bdb.ParseHashMetadataPage(meta)
	if err != nil {
		return nil
	}
	ps := int64(m.PageSize)
	if ps < 512 || ps > 65536 || ps&(ps-1) != 0 {
		return nil // go-rpmdb refuses other page sizes
	}
	if (int64(m.LastPageNo)+1)*ps > size {
		return corrupt("BerkeleyDB of %d bytes claims %d pages of %d bytes", size, int64(m.LastPageNo)+1, ps)
	}
	page := make([]byte, ps)
	chain := make([]byte, ps)
	for no := int64(0); no <= int64(m.LastPageNo); no++ {
		if _, err := f.ReadAt(page, no*ps); err != nil {
			return corrupt("reading page %d: %v", no, err)
		}
		h, err := bdb.ParseHashPage(page, m.Swapped)
		if err != nil || h.PageType != bdb.HashPageType && h.PageType != bdb.HashUnsortedPageType {
			continue
		}
		if h.NumEntries%2 != 0 {
			return nil // go-rpmdb refuses it
		}
		if int64(bdb.PageHeaderSize)+int64(h.NumEntries)*bdb.HashIndexEntrySize > ps {
			return corrupt("page %d holds %d entries, more than fit in it", no, h.NumEntries)
		}
		idxs, err := bdb.HashPageValueIndexes(page, h.NumEntries, m.Swapped)
		if err != nil {
			return nil
		}
		for _, idx := range idxs {
			if int64(idx) >= ps {
				return corrupt("page %d points outside itself, at %d", no, idx)
			}
			if page[idx] != bdb.HashOffIndexPageType {
				continue
			}
			if int64(idx)+bdb.HashOffPageSize > ps {
				return corrupt("page %d has an entry crossing its end", no)
			}
			e, err := bdb.ParseHashOffPageEntry(page[idx:int64(idx)+bdb.HashOffPageSize], m.Swapped)
			if err != nil {
				return corrupt("page %d: %v", no, err)
			}
			if err := checkChain(f, m, chain, e.PageNo); err != nil {
				return corrupt("page %d: %v", no, err)
			}
		}
	}
	return nil
}

// checkChain follows a chain of overflow pages: every page in the file, an
// overflow page, and none twice.
func checkChain(f *os.File, m *bdb.HashMetadataPage, buf []byte, first uint32) error {
	ps := int64(m.PageSize)
	seen := map[uint32]bool{}
	for no := first; no != 0; {
		if no > m.LastPageNo {
			return fmt.Errorf("overflow chain goes to page %d of %d", no, m.LastPageNo)
		}
		if seen[no] {
			return fmt.Errorf("overflow chain loops at page %d", no)
		}
		seen[no] = true
		if _, err := f.ReadAt(buf, int64(no)*ps); err != nil {
			return fmt.Errorf("reading page %d: %v", no, err)
		}
		h, err := bdb.ParseHashPage(buf, m.Swapped)
		if err != nil {
			return err
		}
		if h.PageType != bdb.OverflowPageType {
			return fmt.Errorf("overflow chain reaches page %d of type %d", no, h.PageType)
		}
		if h.NextPageNo == 0 && int64(bdb.PageHeaderSize)+int64(h.FreeAreaOffset) > ps {
			return fmt.Errorf("page %d claims %d bytes", no, h.FreeAreaOffset)
		}
		no = h.NextPageNo
	}
	return nil
}

// NDB layout, as go-rpmdb reads it: a 32-byte header whose fourth word
// counts 4 KiB slot pages; slots of 16 bytes (magic, package index, block
// offset in 16-byte units, block count) from byte 32; at each used slot's
// block, a 16-byte blob header (magic, package index, checksum, length)
// and the blob.
const (
	ndbHeaderSize   = 32
	ndbSlotSize     = 16
	ndbSlotsPerPage = 4096 / ndbSlotSize
	ndbMaxSlotPages = 2048
	ndbSlotMagic    = 'S' | 'l'<<8 | 'o'<<16 | 't'<<24
	ndbBlobMagic    = 'B' | 'l'<<8 | 'b'<<16 | 'S'<<24
)

// checkNDB checks every slot go-rpmdb will read: its magic, and that its
// blob is inside the file, so that no blob length is allocated unchecked
// and go-rpmdb never prints about a bad slot.
func checkNDB(f *os.File, size int64) error {
	hdr := make([]byte, ndbHeaderSize)
	if _, err := f.ReadAt(hdr, 0); err != nil {
		return nil
	}
	pages := int64(binary.LittleEndian.Uint32(hdr[12:]))
	if pages == 0 || pages > ndbMaxSlotPages {
		return nil // go-rpmdb refuses it
	}
	slots := make([]byte, (pages*ndbSlotsPerPage-2)*ndbSlotSize)
	if _, err := f.ReadAt(slots, ndbHeaderSize); err != nil {
		return corrupt("NDB slots: %v", err)
	}
	blob := make([]byte, 16)
	for i := 0; i+ndbSlotSize <= len(slots); i += ndbSlotSize {
		s := slots[i : i+ndbSlotSize]
		if binary.LittleEndian.Uint32(s) != ndbSlotMagic {
			return corrupt("NDB slot %d has a bad magic", i/ndbSlotSize)
		}
		pkg := binary.LittleEndian.Uint32(s[4:])
		if pkg == 0 {
			continue
		}
		off := int64(binary.LittleEndian.Uint32(s[8:])) * 16
		if _, err := f.ReadAt(blob, off); err != nil {
			return corrupt("NDB slot %d points outside the file", i/ndbSlotSize)
		}
		length := int64(binary.LittleEndian.Uint32(blob[12:]))
		if binary.LittleEndian.Uint32(blob) != ndbBlobMagic || binary.LittleEndian.Uint32(blob[4:]) != pkg || off+16+length > size {
			return corrupt("NDB blob of package %d is not where its slot says, or crosses the end of the file", pkg)
		}
	}
	return nil
}

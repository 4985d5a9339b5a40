package layer

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/rpm"
)

// fill sets every field reachable from v to a value other than its zero,
// so that a field the codec forgets shows in a round trip.
func fill(t testing.TB, v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		if v.Type() == reflect.TypeFor[Kind]() {
			v.SetString(string(Symlink))
			return
		}
		v.SetString(strings.Repeat("s", *n%7+1) + "\x00é")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(-int64(*n) * 1e12)
	case reflect.Uint32:
		v.SetUint(0o4755)
	case reflect.Uint8:
		v.SetUint(uint64(*n))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, v.Field(i), n)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(t, k, n)
			fill(t, e, n)
			v.SetMapIndex(k, e)
		}
	default:
		t.Fatalf("fill: no value for a %s; teach fill and the codec about it", v.Type())
	}
}

func roundTrip(t *testing.T, idx *Index) *Index {
	t.Helper()
	b, err := idx.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Index
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary(MarshalBinary(...)): %v", err)
	}
	return &got
}

// Every field of an Index survives the encoding, whatever fields are added
// to it later.
func TestCodecKeepsEveryField(t *testing.T) {
	var idx Index
	n := 0
	fill(t, reflect.ValueOf(&idx).Elem(), &n)
	if got := roundTrip(t, &idx); !reflect.DeepEqual(got, &idx) {
		t.Errorf("round trip lost something:\n got %+v\nwant %+v", got, &idx)
	}
}

// Nothing is told from empty: an empty os-release from one not kept, an
// rpm epoch of 0 from none, an empty package list from none.
func TestCodecTellsNilFromEmpty(t *testing.T) {
	zero := 0
	idx := &Index{Entries: []Entry{
		{Path: "/var/lib/rpm/rpmdb.sqlite", Kind: File, RPM: &RPM{Format: rpm.SQLite, Packages: []rpm.Package{
			{Name: "perl-libs", Epoch: &zero, Version: "5.32.1", Release: "477.amzn2023", Arch: "x86_64", Provides: []string{}},
			{Name: "bash", Version: "5.2.15", Release: "1.amzn2023.0.2", Arch: "x86_64"},
		}}},
		{Path: "/var/lang/bin/node", Kind: File, ELF: &elfabi.File{Needed: []string{"libc.so.6"}, Needs: map[string][]elfabi.Need{"libc.so.6": nil, "libm.so.6": {}}}},
		{Path: "/etc/os-release", Kind: File, Data: []byte{}},
		{Path: "/var/lib/rpm/Packages", Kind: File, RPM: &RPM{Format: rpm.BDB, Packages: []rpm.Package{}}},
		{Path: "/usr/lib/os-release", Kind: File},
	}, Warnings: []string{}}
	if got := roundTrip(t, idx); !reflect.DeepEqual(got, idx) {
		t.Errorf("round trip:\n got %#v\nwant %#v", got, idx)
	}
	if got := roundTrip(t, &Index{}); got.Entries != nil || got.Warnings != nil {
		t.Errorf("round trip of an empty Index = %#v, want nil lists", got)
	}
}

// Equal indexes encode to equal bytes, whatever the order of a map.
func TestCodecIsDeterministic(t *testing.T) {
	var idx Index
	n := 0
	fill(t, reflect.ValueOf(&idx).Elem(), &n)
	first, _ := idx.MarshalBinary()
	for range 20 {
		if b, _ := idx.MarshalBinary(); !bytes.Equal(b, first) {
			t.Fatal("two encodings of one Index differ")
		}
	}
}

// Hostile input fails to decode rather than panicking or allocating by a
// length read from it.
func TestCodecRefusesBadInput(t *testing.T) {
	good, _ := (&Index{Entries: []Entry{{Path: "/a", Kind: File, Data: []byte("x")}}}).MarshalBinary()
	for _, tt := range []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"other magic", "sammatrix-layer-index-9\n"},
		{"huge entry count", codecMagic + "\x00\x00\x00\xff\xff\xff\xff\x0f"},
		{"huge string", codecMagic + "\x00\x00\x00\x02\xff\xff\xff\xff\x0f"},
		{"varint past 64 bits", codecMagic + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f"},
		{"unknown kind", strings.Replace(string(good), "\x04file", "\x04fil?", 1)},
		{"trailing bytes", string(good) + "\x00"},
		{"truncated", string(good[:len(good)-1])},
	} {
		var idx Index
		if err := idx.UnmarshalBinary([]byte(tt.in)); err == nil {
			t.Errorf("%s: UnmarshalBinary(%q) = nil error, want one", tt.name, tt.in)
		}
	}
}

func FuzzCodec(f *testing.F) {
	var idx Index
	n := 0
	fill(f, reflect.ValueOf(&idx).Elem(), &n)
	b, _ := idx.MarshalBinary()
	f.Add(b)
	f.Add([]byte(codecMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Index
		if err := got.UnmarshalBinary(data); err != nil {
			return
		}
		// What decodes encodes back to the same bytes.
		again, err := got.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Errorf("decoded and encoded again: %q, want %q", again, data)
		}
	})
}

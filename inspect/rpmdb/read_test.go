package rpmdb

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/rpm"
)

var (
	fakeSSL = fakePackage{name: "openssl-libs", epoch: "1", version: "3.0.8", release: "1.amzn2023.0.12", arch: "x86_64",
		provides: []string{"libssl.so.3()(64bit)", "libssl.so.3(OPENSSL_3.0.0)(64bit)"}}
	fakeGlibc = fakePackage{name: "glibc", version: "2.26", release: "64.amzn2.0.2", arch: "x86_64"}
	fakeData  = fakePackage{name: "tzdata", version: "2024a", release: "1.amzn2023.0.1", arch: "noarch"}
)

func intp(i int) *int { return &i }

// wantFake is what Read must return for a database of fakeSSL, fakeGlibc
// and fakeData: sorted by name, provides in rpm's order, which includes
// the package's own name and name(arch).
var wantFake = []rpm.Package{
	{Name: "glibc", Version: "2.26", Release: "64.amzn2.0.2", Arch: "x86_64",
		Provides: []string{"glibc", "glibc(x86-64)"}},
	{Name: "openssl-libs", Epoch: intp(1), Version: "3.0.8", Release: "1.amzn2023.0.12", Arch: "x86_64",
		Provides: []string{"libssl.so.3()(64bit)", "libssl.so.3(OPENSSL_3.0.0)(64bit)", "openssl-libs", "openssl-libs(x86-64)"}},
	{Name: "tzdata", Version: "2024a", Release: "1.amzn2023.0.1", Arch: "noarch",
		Provides: []string{"tzdata"}},
}

func TestRead(t *testing.T) {
	db := buildDB(t, fakeSSL, fakeGlibc, fakeData)
	f, err := os.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tmp := t.TempDir()
	got, err := Read(f, tmp, 0)
	if err != nil {
		t.Fatalf("Read(%s) error: %v", db, err)
	}
	if !reflect.DeepEqual(got, wantFake) {
		t.Errorf("Read(%s) =\n%s\nwant\n%s", db, show(got), show(wantFake))
	}
	if left := names(t, tmp); left != nil {
		t.Errorf("Read left %q in its temporary directory, want nothing", left)
	}
}

func TestReadFileSQLite(t *testing.T) {
	db := onlyFile(t, buildDB(t, fakeSSL, fakeGlibc, fakeData))
	got, err := ReadFile(db)
	if err != nil {
		t.Fatalf("ReadFile(%s) error: %v", db, err)
	}
	if !reflect.DeepEqual(got, wantFake) {
		t.Errorf("ReadFile(%s) =\n%s\nwant\n%s", db, show(got), show(wantFake))
	}
	// sqlite would create -shm and -wal files next to a WAL database it
	// opened; ReadFile must open a copy instead.
	if left := names(t, db[:len(db)-len("/rpmdb.sqlite")]); !reflect.DeepEqual(left, []string{"rpmdb.sqlite"}) {
		t.Errorf("after ReadFile the database directory holds %q, want only rpmdb.sqlite", left)
	}
}

func TestReadBadInput(t *testing.T) {
	db := buildDB(t, fakeGlibc)
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      []byte
		limit   int64
		wantErr string
	}{
		{"empty", nil, 0, "opening rpm database"},
		{"garbage", bytes.Repeat([]byte("garbage!"), 1000), 0, "opening rpm database"},
		{"sqlite magic then garbage", append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xff}, 4096)...), 0, "rpm"},
		{"truncated sqlite", data[:len(data)/3], 0, "rpm"},
		{"too large", data, 4096, "limit of 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			got, err := Read(bytes.NewReader(tt.in), tmp, tt.limit)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Read(%s) = %d packages, error %v, want an error containing %q", tt.name, len(got), err, tt.wantErr)
			}
			t.Logf("Read(%s) error: %v", tt.name, err)
			if left := names(t, tmp); left != nil {
				t.Errorf("Read(%s) left %q in its temporary directory, want nothing", tt.name, left)
			}
		})
	}
}

func TestReadLimitExact(t *testing.T) {
	data, err := os.ReadFile(buildDB(t, fakeGlibc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Read(bytes.NewReader(data), t.TempDir(), int64(len(data))); err != nil {
		t.Errorf("Read(database of %d bytes, limit %d) error: %v", len(data), len(data), err)
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile("testdata/does-not-exist/rpmdb.sqlite")
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), `"testdata/does-not-exist/rpmdb.sqlite"`) {
		t.Errorf("ReadFile(missing) error = %v, want one wrapping os.ErrNotExist and naming the path", err)
	}
}

func TestReadMissingTmpDir(t *testing.T) {
	_, err := Read(strings.NewReader("x"), t.TempDir()+"/absent", 0)
	if err == nil {
		t.Errorf("Read with an absent temporary directory: nil error, want one")
	}
}

func show(pkgs []rpm.Package) string {
	var b strings.Builder
	for _, p := range pkgs {
		e := "nil"
		if p.Epoch != nil {
			e = strconv.Itoa(*p.Epoch)
		}
		b.WriteString(p.Name + " epoch=" + e + " " + p.Version + "-" + p.Release + "." + p.Arch + " " + strings.Join(p.Provides, ",") + "\n")
	}
	return b.String()
}

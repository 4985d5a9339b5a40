package report

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect"
)

var errDiskFull = errors.New("no space left on device")

// recorder records every call of Write and fails each when fail is set.
type recorder struct {
	fail   bool
	writes [][]byte
}

func (r *recorder) Write(p []byte) (int, error) {
	r.writes = append(r.writes, bytes.Clone(p))
	if r.fail {
		return 0, errDiskFull
	}
	return len(p), nil
}

// testFacts are the facts of two images as inspect finds them.
func testFacts() []*inspect.Facts {
	return []*inspect.Facts{
		{
			Ref: py312Runtime, Digest: "sha256:0123", Platform: "linux/amd64",
			OS:        &inspect.OSRelease{ID: "amzn", VersionID: "2023", PrettyName: "Amazon Linux 2023"},
			Libstdcxx: &inspect.Libstdcxx{Link: "/usr/lib64/libstdc++.so.6", Path: "/usr/lib64/libstdc++.so.6.0.29", Version: "6.0.29", MaxGLIBCXX: "3.4.29", MaxCXXABI: "1.3.13"},
			Warnings:  []string{"no rpm database"},
		},
		{Ref: py39Runtime},
	}
}

// everyWriter is every writer of every kind of output, each bound to a
// report that has something to say in every format.
func everyWriter(t *testing.T) map[string]func(io.Writer) error {
	t.Helper()
	all := map[string]func(io.Writer) error{}
	findings := testReport().Findings()
	for _, f := range LintFormats() {
		write, err := LintWriter(f)
		if err != nil {
			t.Fatalf("LintWriter(%q) = %v, want a writer", f, err)
		}
		all["lint "+string(f)] = func(w io.Writer) error { return write(w, findings, Options{}) }
	}
	for _, f := range ValidateFormats() {
		write, err := ValidateWriter(f)
		if err != nil {
			t.Fatalf("ValidateWriter(%q) = %v, want a writer", f, err)
		}
		all["validate "+string(f)] = func(w io.Writer) error { return write(w, testReport(), Options{Version: "1.2.3"}) }
	}
	for _, f := range InspectFormats() {
		write, err := InspectWriter(f)
		if err != nil {
			t.Fatalf("InspectWriter(%q) = %v, want a writer", f, err)
		}
		all["inspect "+string(f)] = func(w io.Writer) error { return write(w, testFacts(), Options{}) }
	}
	return all
}

// TestWritersWriteOnce checks that every writer hands its whole output to
// the writer in one call: to a writer that fails it writes nothing more.
func TestWritersWriteOnce(t *testing.T) {
	for name, write := range everyWriter(t) {
		t.Run(name, func(t *testing.T) {
			var ok recorder
			if err := write(&ok); err != nil {
				t.Fatalf("%s writer = %v, want nil", name, err)
			}
			if len(ok.writes) != 1 || len(ok.writes[0]) == 0 {
				t.Fatalf("%s writer made %d writes, want 1 with all the output", name, len(ok.writes))
			}
			broken := recorder{fail: true}
			err := write(&broken)
			if !errors.Is(err, errDiskFull) {
				t.Errorf("%s writer to a full disk = %v, want %v", name, err, errDiskFull)
			}
			if len(broken.writes) != 1 {
				t.Errorf("%s writer to a full disk made %d writes, want 1", name, len(broken.writes))
			}
			if len(broken.writes) > 0 && !bytes.Equal(broken.writes[0], ok.writes[0]) {
				t.Errorf("%s writer to a full disk wrote %q, want the whole output %q", name, broken.writes[0], ok.writes[0])
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	for _, tt := range []struct {
		name   string
		lookup func(Format) error
		want   string
	}{
		{"lint", func(f Format) error { _, err := LintWriter(f); return err },
			`unknown output format "yaml"; want text, table, json or github`},
		{"validate", func(f Format) error { _, err := ValidateWriter(f); return err },
			`unknown output format "yaml"; want table, json, github, junit, markdown or sarif`},
		{"inspect", func(f Format) error { _, err := InspectWriter(f); return err },
			`unknown output format "yaml"; want table or json`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.lookup("yaml")
			if err == nil || err.Error() != tt.want {
				t.Errorf("%sWriter(%q) = %v, want %s", tt.name, "yaml", err, tt.want)
			}
		})
	}
}

func TestFormatsString(t *testing.T) {
	for _, tt := range []struct {
		name        string
		formats     Formats
		text, usage string
	}{
		{"none", nil, "", ""},
		{"one", Formats{JSON}, "json", "json"},
		{"two", Formats{Table, JSON}, "table or json", "table|json"},
		{"three", Formats{Text, Table, JSON}, "text, table or json", "text|table|json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.formats.String(); got != tt.text {
				t.Errorf("Formats%v.String() = %q, want %q", []Format(tt.formats), got, tt.text)
			}
			if got := tt.formats.Usage(); got != tt.usage {
				t.Errorf("Formats%v.Usage() = %q, want %q", []Format(tt.formats), got, tt.usage)
			}
		})
	}
}

// TestWriteInspectTable checks the block of facts inspect prints for people.
func TestWriteInspectTable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteInspectTable(&b, testFacts()); err != nil {
		t.Fatalf("WriteInspectTable(...) = %v, want nil", err)
	}
	got := b.String()
	for _, want := range []string{
		py312Runtime + "\n  digest     sha256:0123\n  platform   linux/amd64\n",
		"  os         Amazon Linux 2023 (ID=amzn VERSION_ID=2023)\n",
		"  libstdc++  /usr/lib64/libstdc++.so.6 → /usr/lib64/libstdc++.so.6.0.29 (6.0.29), GLIBCXX_3.4.29, CXXABI_1.3.13\n",
		"  warning    no rpm database\n\n" + py39Runtime + "\n",
		"  os         unknown: no os-release\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("WriteInspectTable(...) = \n%s\nwant it to contain %q", got, want)
		}
	}
}

package elfabi

import (
	"errors"
	"os"
	"os/exec"
	"testing"
)

func FuzzRead(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x3e\x00"))
	f.Add([]byte("not elf"))
	if _, err := exec.LookPath("gcc"); err == nil {
		fx := buildFixtures(f)
		for _, p := range []string{fx.stdcxx, fx.app} {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
			f.Add(stripSections(f, data))
		}
	}
	for _, s := range synthFiles()[1:3] {
		data, _ := s.build()
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		f, err := readMem(t, data)
		if !IsELF(data) && !errors.Is(err, ErrNotELF) {
			t.Errorf("Read(non-ELF) error = %v, want ErrNotELF", err)
		}
		// A program with an interpreter is never taken to need nothing
		// for want of a dynamic table.
		if err == nil && f.Interp != "" && f.Dynamic == "" {
			t.Errorf("Read(program run by %q) = no dynamic table and no error, want ErrNoDynamic", f.Interp)
		}
	})
}

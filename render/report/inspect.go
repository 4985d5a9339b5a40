package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// InspectJSON is the JSON form of the result of inspect: {"images": [...]},
// the facts of each image in the order they were named.
type InspectJSON struct {
	Images []*inspect.Facts `json:"images"`
}

// WriteInspectJSON writes the facts of images as indented JSON in the form
// documented at InspectJSON.
func WriteInspectJSON(w io.Writer, facts []*inspect.Facts) error {
	return writeOnce(w, "inspect JSON", func(b *bytes.Buffer) error {
		enc := json.NewEncoder(b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(InspectJSON{Images: facts}); err != nil {
			return fmt.Errorf("encoding inspect JSON: %w", err)
		}
		return nil
	})
}

// WriteInspectTable writes the facts of images for people: a block per
// image, its reference then one indented row per fact, blocks separated by
// an empty line.
func WriteInspectTable(w io.Writer, facts []*inspect.Facts) error {
	return writeOnce(w, "inspect table", func(b *bytes.Buffer) error {
		for i, f := range facts {
			if i > 0 {
				b.WriteByte('\n')
			}
			writeFacts(b, f)
		}
		return nil
	})
}

// writeFacts writes one image's facts as a block for people.
func writeFacts(b *bytes.Buffer, f *inspect.Facts) {
	row := func(k, v string) { fmt.Fprintf(b, "  %-10s %s\n", k, printable(v)) }
	fmt.Fprintln(b, printable(f.Ref))
	row("digest", f.Digest)
	row("platform", f.Platform)
	if f.OS != nil {
		row("os", fmt.Sprintf("%s (ID=%s VERSION_ID=%s)", f.OS.PrettyName, f.OS.ID, f.OS.VersionID))
	} else {
		row("os", "unknown: no os-release")
	}
	if l := f.Libstdcxx; l != nil {
		row("libstdc++", fmt.Sprintf("%s → %s (%s), GLIBCXX_%s, CXXABI_%s", l.Link, l.Path, l.Version, l.MaxGLIBCXX, l.MaxCXXABI))
	} else {
		row("libstdc++", "not found in the library path")
	}
	if g := f.Glibc; g != nil {
		rpm := ""
		if g.RPM != "" {
			rpm = ", rpm glibc-" + g.RPM
		}
		row("glibc", fmt.Sprintf("%s (%s%s)", g.Version, g.Path, rpm))
	} else {
		row("glibc", "libc.so.6 not found in the library path")
	}
	if r := f.RPM; r != nil {
		row("rpm", fmt.Sprintf("%s (%s), %d packages", r.Path, r.Format, len(r.Packages)))
	} else {
		row("rpm", "no rpm database")
	}
	if n := f.Node; n != nil {
		row("node", fmt.Sprintf("%s %s, needs %s", n.Path, n.Version, strings.Join(n.Needed, " ")))
		for _, lib := range slices.Sorted(maps.Keys(n.VersionNeeds)) {
			row("", fmt.Sprintf("%s: %s", lib, strings.Join(n.VersionNeeds[lib], " ")))
		}
	} else {
		row("node", "none at "+recipe.NodePath)
	}
	for _, dir := range recipe.Default.Trees() {
		if t := f.Trees[dir]; t != nil {
			row("tree", fmt.Sprintf("%s: %d files (%d ELF), %d directories, %d symlinks, %d bytes", dir, t.Files, t.ELF, t.Dirs, t.Symlinks, t.Bytes))
		}
	}
	row("layers", fmt.Sprint(len(f.Layers)))
	for _, w := range f.Warnings {
		row("warning", w)
	}
}

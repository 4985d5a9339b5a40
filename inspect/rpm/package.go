package rpm

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Package is one installed rpm package.
type Package struct {
	Name     string   `json:"name"`
	Epoch    *int     `json:"epoch"` // nil when the package has none
	Version  string   `json:"version"`
	Release  string   `json:"release"`
	Arch     string   `json:"arch"`
	Provides []string `json:"provides,omitempty"`
}

// EVR returns the package's [epoch:]version-release, such as
// "1:3.0.8-1.amzn2023.0.12", or "2.26-64.amzn2.0.2" when it has no epoch.
func (p Package) EVR() string {
	vr := p.Version + "-" + p.Release
	if p.Epoch == nil {
		return vr
	}
	return strconv.Itoa(*p.Epoch) + ":" + vr
}

// Find returns the package called name, or nil if pkgs has none.
func Find(pkgs []Package, name string) *Package {
	for i := range pkgs {
		if pkgs[i].Name == name {
			return &pkgs[i]
		}
	}
	return nil
}

// Sort orders pkgs by name, then version, release and arch, so
// that output is deterministic.
func Sort(pkgs []Package) {
	slices.SortFunc(pkgs, func(a, b Package) int {
		return cmp.Or(
			strings.Compare(a.Name, b.Name),
			strings.Compare(a.Version, b.Version),
			strings.Compare(a.Release, b.Release),
			strings.Compare(a.Arch, b.Arch),
		)
	})
}

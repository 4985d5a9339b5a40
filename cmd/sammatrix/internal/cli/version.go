package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version and VCS revision of this build",
		Example: "  sammatrix version",
		Args:    noArgs(""),
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprintln(c.OutOrStdout(), versionString())
			return nil
		},
	}
}

// moduleVersion returns the module version of this build, "(devel)" when built from a checkout.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// versionString describes the build: the module version, and the VCS
// revision and time when the binary was built from a checkout.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "sammatrix (no build information)"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	s := "sammatrix " + version
	var rev, when, modified string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.time":
			when = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				modified = " (modified)"
			}
		}
	}
	if rev != "" {
		s += fmt.Sprintf(" revision %s%s", rev, modified)
		if when != "" {
			s += " " + when
		}
	} else {
		s += " revision unknown"
	}
	return s + " " + bi.GoVersion
}

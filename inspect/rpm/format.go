package rpm

import "path"

// Format is the storage format of an rpm database.
type Format string

// The rpm database formats, each named after its backend.
const (
	BDB    Format = "bdb"    // BerkeleyDB hash file "Packages" (rpm < 4.16, Amazon Linux 2)
	SQLite Format = "sqlite" // "rpmdb.sqlite" (rpm ≥ 4.16, Amazon Linux 2023)
	NDB    Format = "ndb"    // rpm's own "Packages.db" (SUSE)
)

// Paths lists, most common first, the files in which rpm keeps its
// database.
var Paths = []string{
	"/var/lib/rpm/Packages",
	"/var/lib/rpm/rpmdb.sqlite",
	"/var/lib/rpm/Packages.db",
	"/usr/lib/sysimage/rpm/Packages",
	"/usr/lib/sysimage/rpm/rpmdb.sqlite",
	"/usr/lib/sysimage/rpm/Packages.db",
}

// FormatOf tells the database format from the base name of path:
// Packages is BDB, rpmdb.sqlite is SQLite and Packages.db is NDB. It
// reports false for any other name.
func FormatOf(p string) (Format, bool) {
	switch path.Base(p) {
	case "Packages":
		return BDB, true
	case "rpmdb.sqlite":
		return SQLite, true
	case "Packages.db":
		return NDB, true
	}
	return "", false
}

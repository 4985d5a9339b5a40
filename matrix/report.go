package matrix

// Verdicts of a pair.
const (
	Compatible   = "compatible"
	Incompatible = "incompatible"
)

// Report is the result of validating a matrix: one result per pair, in the
// order of the file, and the checks that could not run.
type Report struct {
	// File is the matrix file as the user named it.
	File  string
	Pairs []PairResult
	// Skipped says which checks did not run and why, e.g.
	// "serverless-engine: npm is not on PATH".
	Skipped []string
	// Warnings are what reading the images passed over or could not read
	// (an entry escaping the layer root, an ELF file without facts), each
	// naming its image, in the order of the file.
	Warnings []string
}

// PairResult is the verdict on one pair, with the findings that decided it
// and a summary of the facts for tables.
type PairResult struct {
	Pair Pair
	// Verdict is Incompatible when any finding has error severity.
	Verdict  string
	Findings []Finding
	Summary  Summary
}

// Summary holds the facts a report shows for a pair at a glance. Empty
// strings mean unknown.
type Summary struct {
	RuntimeOS        string // e.g. "amzn 2023"
	NodeJSOS         string
	RuntimeLibstdcxx string // e.g. "6.0.29"
	NodeJSLibstdcxx  string
	// NeedGLIBCXX and HaveGLIBCXX: the highest GLIBCXX_ version node needs,
	// and the highest the libstdc++ it would load in the built image defines.
	NeedGLIBCXX, HaveGLIBCXX string
	// NeedGLIBC and HaveGLIBC: the same for libc.so.6.
	NeedGLIBC, HaveGLIBC string
	NodeVersion          string
	RuntimeDigest        string
	NodeJSDigest         string
}

// Findings returns every finding of the report, sorted by position.
func (r *Report) Findings() []Finding {
	var out []Finding
	for _, p := range r.Pairs {
		out = append(out, p.Findings...)
	}
	SortFindings(out)
	return out
}

// Counts returns the number of compatible and incompatible pairs.
func (r *Report) Counts() (compatible, incompatible int) {
	for _, p := range r.Pairs {
		if p.Verdict == Compatible {
			compatible++
		} else {
			incompatible++
		}
	}
	return compatible, incompatible
}

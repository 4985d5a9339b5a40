package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sammatrix/sammatrix/matrix"
)

// ValidateJSON is the stable JSON form of the result of validate:
//
//	{
//	  "file": "matrix.yaml",
//	  "compatible": 1, "incompatible": 1,
//	  "pairs": [{
//	    "id": "python3.12",
//	    "runtime": "public.ecr.aws/sam/build-python3.12:…",
//	    "nodejs": "public.ecr.aws/sam/build-nodejs20.x:…",
//	    "verdict": "compatible" | "incompatible",
//	    "findings": [{"rule", "severity", "message", "file", "line", "column", "evidence": {…}}],
//	    "summary": {"runtime_os", "nodejs_os", "runtime_libstdcxx", …}
//	  }],
//	  "skipped": ["serverless-engine: npm is not on PATH"],
//	  "warnings": ["image \"…\": entry \"../x\" escapes the layer root; ignored"]
//	}
//
// "pairs", "findings", "skipped" and "warnings" are arrays, never null; every key of
// "summary" is present, an empty string meaning unknown.
type ValidateJSON struct {
	File         string     `json:"file"`
	Compatible   int        `json:"compatible"`
	Incompatible int        `json:"incompatible"`
	Pairs        []PairJSON `json:"pairs"`
	Skipped      []string   `json:"skipped"`
	Warnings     []string   `json:"warnings"`
}

// PairJSON is the JSON form of the verdict on one pair. Runtime and NodeJS
// are the references as written in matrix.yaml.
type PairJSON struct {
	ID       string        `json:"id"`
	Runtime  string        `json:"runtime"`
	NodeJS   string        `json:"nodejs"`
	Verdict  string        `json:"verdict"`
	Findings []FindingJSON `json:"findings"`
	Summary  SummaryJSON   `json:"summary"`
}

// SummaryJSON is the JSON form of the facts of a pair at a glance.
type SummaryJSON struct {
	RuntimeOS        string `json:"runtime_os"`
	NodeJSOS         string `json:"nodejs_os"`
	RuntimeLibstdcxx string `json:"runtime_libstdcxx"`
	NodeJSLibstdcxx  string `json:"nodejs_libstdcxx"`
	NeedGLIBCXX      string `json:"need_glibcxx"`
	HaveGLIBCXX      string `json:"have_glibcxx"`
	NeedGLIBC        string `json:"need_glibc"`
	HaveGLIBC        string `json:"have_glibc"`
	NodeVersion      string `json:"node_version"`
	RuntimeDigest    string `json:"runtime_digest"`
	NodeJSDigest     string `json:"nodejs_digest"`
}

// toValidateJSON converts a report to its JSON form.
func toValidateJSON(r *matrix.Report) ValidateJSON {
	out := ValidateJSON{File: r.File, Pairs: []PairJSON{}, Skipped: []string{}, Warnings: []string{}}
	out.Compatible, out.Incompatible = r.Counts()
	out.Skipped = append(out.Skipped, r.Skipped...)
	out.Warnings = append(out.Warnings, r.Warnings...)
	for _, p := range r.Pairs {
		pj := PairJSON{
			ID: p.Pair.ID.V, Runtime: p.Pair.Runtime.V, NodeJS: p.Pair.NodeJS.V,
			Verdict: p.Verdict, Findings: []FindingJSON{}, Summary: SummaryJSON(p.Summary),
		}
		for _, f := range p.Findings {
			pj.Findings = append(pj.Findings, toJSON(f))
		}
		out.Pairs = append(out.Pairs, pj)
	}
	return out
}

// WriteValidateJSON writes the result of validate as indented JSON in the
// form documented at ValidateJSON.
func WriteValidateJSON(w io.Writer, r *matrix.Report) error {
	return writeOnce(w, "validate JSON", func(b *bytes.Buffer) error {
		enc := json.NewEncoder(b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(toValidateJSON(r)); err != nil {
			return fmt.Errorf("encoding validate JSON: %w", err)
		}
		return nil
	})
}

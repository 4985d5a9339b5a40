package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sammatrix/sammatrix/matrix/plan"
)

// PlanJSON is the stable JSON form of a plan:
//
//	{
//	  "file": "matrix.yaml",
//	  "runtimes": [{"ref", "os", "libstdcxx", "digest"}],
//	  "nodejs": [{"ref", "os", "libstdcxx", "node", "digest"}],
//	  "cells": [{
//	    "runtime": "…", "nodejs": "…",
//	    "verdict": "compatible" | "incompatible",
//	    "first_error": "libstdcxx-mismatch",
//	    "current": true,
//	    "findings": [{"rule", "severity", "message", "evidence": {…}, …}],
//	    "summary": {"runtime_os", "nodejs_os", …}
//	  }],
//	  "suggestions": [{"id", "runtime", "nodejs", "node_major", "why"}],
//	  "pairs_yaml": "pairs:\n  - runtime: …",
//	  "skipped": [], "warnings": []
//	}
//
// "cells" holds every combination, by runtime then Node.js image, each
// with all its findings and the summary of the facts of both images.
// Arrays are never null; "first_error" is "" for a compatible cell;
// "current" says whether the combination is a pair of matrix.yaml.
type PlanJSON struct {
	File        string           `json:"file"`
	Runtimes    []ImageJSON      `json:"runtimes"`
	NodeJS      []ImageJSON      `json:"nodejs"`
	Cells       []CellJSON       `json:"cells"`
	Suggestions []SuggestionJSON `json:"suggestions"`
	PairsYAML   string           `json:"pairs_yaml"`
	Skipped     []string         `json:"skipped"`
	Warnings    []string         `json:"warnings"`
}

// ImageJSON is an image of the grid with its key facts; "" means unknown.
type ImageJSON struct {
	Ref       string `json:"ref"`
	OS        string `json:"os"`
	Libstdcxx string `json:"libstdcxx"`
	Node      string `json:"node,omitempty"`
	Digest    string `json:"digest"`
}

// CellJSON is the verdict on one combination.
type CellJSON struct {
	Runtime    string        `json:"runtime"`
	NodeJS     string        `json:"nodejs"`
	Verdict    string        `json:"verdict"`
	FirstError string        `json:"first_error"`
	Current    bool          `json:"current"`
	Findings   []FindingJSON `json:"findings"`
	Summary    SummaryJSON   `json:"summary"`
}

// SuggestionJSON is the suggested pair of one runtime; "nodejs" is "" and
// "why" says why when none is compatible.
type SuggestionJSON struct {
	ID        string `json:"id"`
	Runtime   string `json:"runtime"`
	NodeJS    string `json:"nodejs"`
	NodeMajor int    `json:"node_major"`
	Why       string `json:"why,omitempty"`
}

func toPlanJSON(g *plan.Grid) PlanJSON {
	out := PlanJSON{File: g.File, Runtimes: []ImageJSON{}, NodeJS: []ImageJSON{}, Cells: []CellJSON{},
		Suggestions: []SuggestionJSON{}, PairsYAML: plan.PairsYAML(g.Suggestions),
		Skipped: append([]string{}, g.Skipped...), Warnings: append([]string{}, g.Warnings...)}
	for i, rt := range g.Runtimes {
		f := runtimeFacts(g, i)
		out.Runtimes = append(out.Runtimes, ImageJSON{Ref: rt.Name, OS: f.OS, Libstdcxx: f.Libstdcxx, Digest: f.Digest})
	}
	for j, nj := range g.NodeJS {
		f := nodeFacts(g, j)
		out.NodeJS = append(out.NodeJS, ImageJSON{Ref: nj.Name, OS: f.OS, Libstdcxx: f.Libstdcxx, Node: f.Node, Digest: f.Digest})
	}
	for i := range g.Runtimes {
		for _, c := range g.Cells[i] {
			cj := CellJSON{Runtime: c.Runtime.Name, NodeJS: c.NodeJS.Name, Verdict: c.Result.Verdict,
				Current: isCurrent(g, c), Findings: []FindingJSON{}, Summary: SummaryJSON(c.Result.Summary)}
			if f := c.FirstError(); f != nil {
				cj.FirstError = f.Rule
			}
			for _, f := range c.Result.Findings {
				cj.Findings = append(cj.Findings, toJSON(f))
			}
			out.Cells = append(out.Cells, cj)
		}
	}
	for _, s := range g.Suggestions {
		out.Suggestions = append(out.Suggestions, SuggestionJSON{ID: s.ID, Runtime: s.Runtime.Name, NodeJS: s.NodeJS.Name, NodeMajor: s.NodeMajor, Why: s.Why})
	}
	return out
}

// WritePlanJSON writes a plan as indented JSON in the form documented at
// PlanJSON.
func WritePlanJSON(w io.Writer, g *plan.Grid) error {
	return writeOnce(w, "plan JSON", func(b *bytes.Buffer) error {
		enc := json.NewEncoder(b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(toPlanJSON(g)); err != nil {
			return fmt.Errorf("encoding plan JSON: %w", err)
		}
		return nil
	})
}

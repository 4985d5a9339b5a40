package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/sammatrix/sammatrix/matrix"
)

// SARIFInformationURI is the informationUri of the tool in SARIF output.
const SARIFInformationURI = "https://github.com/sammatrix/sammatrix"

// schemaRuleSummary describes the rule entry of a finding whose rule is not
// one of matrix.Rules: a problem of matrix.yaml itself.
const schemaRuleSummary = "matrix.yaml is not valid"

// The SARIF 2.1.0 objects the log uses, with what sammatrix fills in. Every
// property left out has its default meaning in the specification.
type (
	sarifReport struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string            `json:"id"`
		ShortDescription     sarifText         `json:"shortDescription"`
		FullDescription      *sarifText        `json:"fullDescription,omitempty"`
		Help                 *sarifText        `json:"help,omitempty"`
		DefaultConfiguration sarifRuleDefaults `json:"defaultConfiguration"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifRuleDefaults struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level          string         `json:"level"`
		Message        sarifText      `json:"message"`
		AssociatedRule *sarifRuleLink `json:"associatedRule,omitempty"`
	}
	sarifRuleLink struct {
		ID    string `json:"id"`
		Index int    `json:"index"`
	}
	sarifResult struct {
		RuleID     string          `json:"ruleId"`
		RuleIndex  int             `json:"ruleIndex"`
		Level      string          `json:"level"`
		Message    sarifText       `json:"message"`
		Locations  []sarifLocation `json:"locations"`
		Properties map[string]any  `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
)

// sarifSchemaURI is the $schema of the log.
const sarifSchemaURI = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json"

// toSARIF converts a report to a SARIF 2.1.0 log with one run: every rule of
// matrix.Rules as a rule of the driver, and every finding as a result at its
// position in the matrix file. A finding whose rule is not in matrix.Rules
// gets a rule entry of its own after them. The run has one invocation, whose
// tool execution notifications name the checks that did not run.
func toSARIF(r *matrix.Report, version string) *sarifReport {
	d := sarifDriver{Name: "sammatrix", Version: version, InformationURI: SARIFInformationURI, Rules: []sarifRule{}}
	index := map[string]int{}
	for _, rule := range matrix.Rules {
		index[rule.ID] = len(d.Rules)
		d.Rules = append(d.Rules, sarifRule{
			ID:                   rule.ID,
			ShortDescription:     sarifText{rule.Summary},
			FullDescription:      &sarifText{sentence(rule.Summary) + " " + rule.Help},
			Help:                 &sarifText{rule.Help},
			DefaultConfiguration: sarifRuleDefaults{sarifLevel(rule.Default)},
		})
	}
	run := sarifRun{Results: []sarifResult{}}
	for _, f := range r.Findings() {
		i, ok := index[f.Rule]
		if !ok {
			i = len(d.Rules)
			index[f.Rule] = i
			d.Rules = append(d.Rules, sarifRule{
				ID:                   f.Rule,
				ShortDescription:     sarifText{schemaRuleSummary},
				DefaultConfiguration: sarifRuleDefaults{sarifLevel(f.Severity)},
			})
		}
		loc := sarifPhysicalLocation{ArtifactLocation: sarifArtifact{sarifURI(f.Pos.File)}}
		if f.Pos.Line > 0 {
			loc.Region = &sarifRegion{StartLine: f.Pos.Line, StartColumn: max(f.Pos.Col, 0)}
		}
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: i, Level: sarifLevel(f.Severity),
			Message:   sarifText{f.Message},
			Locations: []sarifLocation{{loc}},
		}
		if f.Pair != "" || f.Evidence != nil {
			res.Properties = map[string]any{}
			if f.Pair != "" {
				res.Properties["pair"] = f.Pair
			}
			if f.Evidence != nil {
				res.Properties["evidence"] = f.Evidence
			}
		}
		run.Results = append(run.Results, res)
	}
	run.Tool.Driver = d
	run.Invocations = []sarifInvocation{skippedInvocation(index, r.Skipped, r.Warnings)}
	return &sarifReport{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}
}

// skippedInvocation describes the run of sammatrix: it succeeded, and each
// check that did not run is a warning notification (its results may be
// missing), associated with the check's rule when the note starts with a
// rule id ("serverless-engine: …"); index gives each rule's index.
func skippedInvocation(index map[string]int, skipped, warnings []string) sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, s := range skipped {
		n := sarifNotification{Level: "warning", Message: sarifText{s}}
		if id, _, ok := strings.Cut(s, ":"); ok {
			if i, ok := index[id]; ok {
				n.AssociatedRule = &sarifRuleLink{ID: id, Index: i}
			}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	for _, w := range warnings {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "warning", Message: sarifText{w}})
	}
	return inv
}

// WriteSARIF writes the result of validate as a SARIF 2.1.0 log, described
// at toSARIF; version is the version of sammatrix.
func WriteSARIF(w io.Writer, r *matrix.Report, version string) error {
	return writeOnce(w, "SARIF", func(b *bytes.Buffer) error {
		// Not \u003c… for <, > and &: valid, but hard to read in rule
		// texts such as "<sam-cli>".
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(toSARIF(r, version)); err != nil {
			return fmt.Errorf("encoding SARIF: %w", err)
		}
		return nil
	})
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s matrix.Severity) string {
	switch s {
	case matrix.Error:
		return "error"
	case matrix.Warning:
		return "warning"
	case matrix.Off:
		return "none"
	default:
		return "note"
	}
}

// sarifURI returns the artifact URI of a matrix file: a relative reference,
// slash separated and without "./", or a file URI for an absolute path.
func sarifURI(file string) string {
	if filepath.IsAbs(file) {
		p := filepath.ToSlash(file)
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive letter
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: relativeFile(file)}).String()
}

// sentence ends s with a full stop.
func sentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

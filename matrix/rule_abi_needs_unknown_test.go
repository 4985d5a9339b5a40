package matrix

import (
	"slices"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// strippedNode is node of a fixture set, stripped as sstrip does.
func strippedNode(t *testing.T, set string, noDynamic bool) fixture.File {
	t.Helper()
	f := elfFile(t, set+"/node", "var/lang/bin/node")
	data, err := fixture.Sstrip(f.Data, noDynamic)
	if err != nil {
		t.Fatal(err)
	}
	f.Data = data
	return f
}

// A node without section headers is judged from its dynamic segment, as the
// loader reads it: the verdict is the intact binary's. One whose needs
// cannot be read at all is never compatible on silence.
func TestNeedsUnknown(t *testing.T) {
	al2 := buildImage(t, amazonLinux(t, "al2"))
	for _, tt := range []struct {
		name  string
		node  fixture.File
		rules []string
	}{
		{"intact node20 on Amazon Linux 2", elfFile(t, "node20/node", "var/lang/bin/node"), []string{RuleABIVersionMissing}},
		{"node20 without section headers", strippedNode(t, "node20", false), []string{RuleABIVersionMissing}},
		{"node20 without a dynamic table", strippedNode(t, "node20", true), []string{RuleABINeedsUnknown}},
		{"node18 without section headers", strippedNode(t, "node18", false), nil},
		{"node18 without a dynamic table", strippedNode(t, "node18", true), []string{RuleABINeedsUnknown}},
		{"node that is not ELF", fixture.File{Path: "var/lang/bin/node", Data: []byte("#!/bin/sh\nexec node.real \"$@\"\n"), Mode: 0o755}, []string{RuleABINeedsUnknown}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			nodejs := buildImage(t, amazonLinux(t, "al2"), append(without(nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3"), "var/lang/bin/node"), tt.node))
			p := validatePair(t, al2, nodejs)
			var errs []string
			for _, f := range p.Findings {
				if f.Severity == Error && !slices.Contains(errs, f.Rule) {
					errs = append(errs, f.Rule)
				}
			}
			slices.Sort(errs)
			if !slices.Equal(errs, tt.rules) {
				t.Errorf("Validate(%s) error rules = %q, want %q; findings:\n%s", tt.name, errs, tt.rules, messages(p.Findings))
			}
			if (len(tt.rules) == 0) != (p.Verdict == Compatible) {
				t.Errorf("Validate(%s) verdict = %s, want compatible only without error findings", tt.name, p.Verdict)
			}
			for _, f := range ruleFindings(p, RuleABINeedsUnknown) {
				if !strings.Contains(f.Message, "/var/lang/bin/node") && !strings.Contains(f.Message, "node needs") && !strings.Contains(f.Message, "what node needs") {
					t.Errorf("%s finding %q does not name node", RuleABINeedsUnknown, f.Message)
				}
				if f.Evidence == nil || f.Evidence.Path != "/var/lang/bin/node" || f.Evidence.Found == "" {
					t.Errorf("%s evidence = %+v, want node's path and why", RuleABINeedsUnknown, f.Evidence)
				}
			}
		})
	}
}

// What reading an image passed over reaches the report, naming the image.
func TestValidateReportsImageWarnings(t *testing.T) {
	m := newMatrix(t)
	nodejs := buildImage(t, amazonLinux(t, "al2023"), append(nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3")[1:], strippedNode(t, "node20", true)))
	ref := m.image(nodejs)
	m.pair("p", m.image(al2023Runtime(t)), ref)
	r := m.validate(ValidateOptions{})
	found := false
	for _, w := range r.Warnings {
		if strings.Contains(w, ref) && strings.Contains(w, "/var/lang/bin/node") {
			found = true
		}
	}
	if !found {
		t.Errorf("Validate(...).Warnings = %q, want one naming %s and /var/lang/bin/node", r.Warnings, ref)
	}
}

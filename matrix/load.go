package matrix

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads and parses the matrix file at path. The error is only about
// reading the file; problems of its contents are findings.
func Load(path string) (*File, []Finding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading matrix file: %w", err)
	}
	f, fs := Parse(path, data)
	return f, fs, nil
}

// Parse decodes matrix.yaml contents named file. It returns the file with
// every value it could decode, and every problem found, sorted by position.
// When the findings hold a schema problem (HasSchemaErrors), the file must
// not be used to build or validate images.
func Parse(file string, data []byte) (*File, []Finding) {
	f := &File{Path: file, Policy: map[string]Value[Severity]{}}
	setDefaults(f)
	d := &decoder{file: file}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		d.findings = append(d.findings, syntaxFinding(file, data, err))
		return f, d.findings
	}
	if doc.Kind == 0 || len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		d.problemAt(Pos{File: file, Line: 1, Col: 1}, ProblemMissingKey,
			"the file is empty; want a mapping with version: %d, plugin, target-repo, serverless and pairs", Version)
		return f, d.findings
	}
	root := doc.Content[0]
	d.mapping(root, "the file", []field{
		{"version", true, d.integer(&f.Version, "version")},
		{"plugin", true, func(n *yaml.Node) { d.plugin(n, &f.Plugin) }},
		{"target-repo", true, d.str(&f.TargetRepo, "target-repo")},
		{"serverless", true, func(n *yaml.Node) { d.serverless(n, f) }},
		{"pairs", true, func(n *yaml.Node) { d.pairs(n, f) }},
		{"policy", false, func(n *yaml.Node) { d.policy(n, f) }},
		{"harness", false, func(n *yaml.Node) { d.harness(n, &f.Harness) }},
		{"build", false, func(n *yaml.Node) { d.build(n, &f.Build) }},
	})
	if f.Version.Set && f.Version.V != Version {
		d.problemAt(f.Version.Pos, ProblemVersion, "unsupported version %d: this sammatrix reads version %d", f.Version.V, Version)
	}
	d.checkValues(f)
	d.checkPairs(f)
	SortFindings(d.findings)
	return f, d.findings
}

func setDefaults(f *File) {
	h := &f.Harness
	h.Pipeline.V = DefaultPipeline
	h.Namespace.V = DefaultNamespace
	h.MaxConcurrency.V = DefaultMaxConcurrency
	h.DockerUsername.V = DefaultDockerUserSecret
	h.DockerPassword.V = DefaultDockerPassSecret
	f.Build.GoTemplate.Version.V = DefaultGoTemplateVersion
	f.Build.DockerCLI.Version.V = DefaultDockerCLIVersion
}

// yamlLine matches the line number yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxFinding converts a YAML syntax error into a positioned finding. It
// is the only place that knows how yaml.v3 words its errors.
func syntaxFinding(file string, data []byte, err error) Finding {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	lines := strings.Split(string(data), "\n")
	// yaml.v3 reports some errors on the line after the culprit; a tab in
	// the indentation is the usual cause, so point at it.
	for _, l := range []int{line, line - 1} {
		if l >= 1 && l <= len(lines) {
			text := lines[l-1]
			indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
			if i := strings.IndexByte(indent, '\t'); i >= 0 {
				line, col = l, i+1
				msg = "tab character in indentation; YAML indents with spaces only"
				break
			}
		}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	return Finding{
		Pos:      Pos{File: file, Line: line, Col: col},
		Rule:     ProblemSyntax,
		Severity: Error,
		Kind:     KindSchema,
		Message:  "invalid YAML: " + msg,
	}
}

func (d *decoder) plugin(n *yaml.Node, p *Plugin) {
	d.mapping(n, "plugin", []field{
		{"version", true, d.str(&p.Version, "plugin.version")},
		{"base-image", true, d.str(&p.BaseImage, "plugin.base-image")},
	})
}

func (d *decoder) serverless(n *yaml.Node, f *File) {
	d.list(n, "serverless", func(i int, c *yaml.Node) {
		var v Value[string]
		d.str(&v, fmt.Sprintf("serverless[%d]", i))(c)
		if v.Set {
			f.Serverless = append(f.Serverless, v)
		}
	})
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		d.problem(n, ProblemValue, "serverless is empty: list at least one Serverless Framework version, e.g. [\"3.39.0\"]")
	}
}

func (d *decoder) pairs(n *yaml.Node, f *File) {
	if n.Kind != yaml.SequenceNode {
		d.problem(n, ProblemWrongType, "pairs must be a list, found %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		d.problem(n, ProblemEmptyPairs, "pairs is empty: list at least one pair of runtime and nodejs images")
		return
	}
	for i, c := range n.Content {
		where := fmt.Sprintf("pairs[%d]", i)
		p := Pair{Pos: d.pos(c)}
		d.mapping(c, where, []field{
			{"id", false, d.str(&p.ID, where+".id")},
			{"runtime", true, d.image(&p.Runtime, where+".runtime")},
			{"nodejs", true, d.image(&p.NodeJS, where+".nodejs")},
		})
		if c.Kind == yaml.MappingNode {
			f.Pairs = append(f.Pairs, p)
		}
	}
}

func (d *decoder) policy(n *yaml.Node, f *File) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, ProblemWrongType, "policy must be a mapping of rule ids to severities, found %s", describe(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if line, dup := seen[k.Value]; dup {
			d.problem(k, ProblemDuplicate, "duplicate key %q in policy (first defined at line %d)", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		if _, ok := LookupRule(k.Value); !ok {
			d.problem(k, ProblemPolicy, "unknown rule %q in policy; known rules: %s", k.Value, strings.Join(RuleIDs(), ", "))
			continue
		}
		sev := Severity(v.Value)
		if v.Kind != yaml.ScalarNode || (sev != Error && sev != Warning && sev != Off) {
			what := describe(v)
			if v.Kind == yaml.ScalarNode {
				what = fmt.Sprintf("%q", v.Value)
			}
			d.problem(v, ProblemPolicy, "invalid severity %s for rule %q; want error, warning or off", what, k.Value)
			continue
		}
		f.Policy[k.Value] = Value[Severity]{V: sev, Pos: d.pos(v), Set: true}
	}
}

func (d *decoder) harness(n *yaml.Node, h *Harness) {
	d.mapping(n, "harness", []field{
		{"project", false, d.str(&h.Project, "harness.project")},
		{"org", false, d.str(&h.Org, "harness.org")},
		{"pipeline", false, d.str(&h.Pipeline, "harness.pipeline")},
		{"k8s-connector", false, d.str(&h.K8sConnector, "harness.k8s-connector")},
		{"docker-connector", false, d.str(&h.DockerConnector, "harness.docker-connector")},
		{"namespace", false, d.str(&h.Namespace, "harness.namespace")},
		{"max-concurrency", false, d.integer(&h.MaxConcurrency, "harness.max-concurrency")},
		{"docker-username-secret", false, d.str(&h.DockerUsername, "harness.docker-username-secret")},
		{"docker-password-secret", false, d.str(&h.DockerPassword, "harness.docker-password-secret")},
	})
}

func (d *decoder) build(n *yaml.Node, b *Build) {
	download := func(dl *Download, where string) func(*yaml.Node) {
		return func(n *yaml.Node) {
			d.mapping(n, where, []field{
				{"version", false, d.str(&dl.Version, where+".version")},
				{"sha256", false, d.str(&dl.SHA256, where+".sha256")},
			})
		}
	}
	d.mapping(n, "build", []field{
		{"go-template", false, download(&b.GoTemplate, "build.go-template")},
		{"docker-cli", false, download(&b.DockerCLI, "build.docker-cli")},
	})
}

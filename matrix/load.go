package matrix

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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
	d := newDecoder(file)

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
	h.Stage.V = DefaultStage
	f.Build.GoTemplate.Version.V = DefaultGoTemplateVersion
	f.Build.DockerCLI.Version.V = DefaultDockerCLIVersion
}

// yamlLine matches the line number yaml.v3 puts in its syntax errors.
var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// unknownAnchor matches the error of an alias to no anchor, which yaml.v3
// words without a position.
var unknownAnchor = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`) })

// syntaxFinding converts a YAML syntax error into a positioned finding. It
// is the only place that knows how yaml.v3 words its errors.
func syntaxFinding(file string, data []byte, err error) Finding {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
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
	// yaml.v3 gives no position for the bytes it cannot read, nor for an
	// alias to no anchor: find them.
	if readerError(msg) {
		if i, what := unreadable(data); i >= 0 {
			line, col = lineCol(data, i)
			msg = what
		}
	} else if m := unknownAnchor().FindStringSubmatch(err.Error()); m != nil {
		if i := aliasOffset(data, m[1]); i >= 0 {
			line, col = lineCol(data, i)
		}
		msg = fmt.Sprintf("alias *%s refers to no anchor &%s defined before it", clip(m[1]), clip(m[1]))
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

// readerError reports whether yaml.v3 gave up reading the bytes of the
// file, rather than parsing them.
func readerError(msg string) bool {
	return strings.Contains(msg, "UTF-8") || strings.Contains(msg, "control characters") || strings.Contains(msg, "invalid Unicode character")
}

// unreadable returns the offset of the first byte of data that is not
// UTF-8 or is a character YAML does not allow, and why; -1 if there is none.
// Text in UTF-16, which YAML also allows, starts with a byte order mark and
// is not looked at.
func unreadable(data []byte) (int, string) {
	if len(data) >= 2 && (data[0] == 0xFE && data[1] == 0xFF || data[0] == 0xFF && data[1] == 0xFE) {
		return -1, ""
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return i, fmt.Sprintf("byte 0x%02x is not UTF-8; the file must be UTF-8 text", data[i])
		case !yamlPrintable(r):
			return i, fmt.Sprintf("character %U is not allowed in YAML", r)
		}
		i += size
	}
	return -1, ""
}

// yamlPrintable reports whether YAML allows r in a document (YAML 1.2,
// 5.1), as yaml.v3 reads it.
func yamlPrintable(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0x7E) || r == 0x85 ||
		(r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// aliasOffset returns the offset of the first alias *name in data, or -1.
func aliasOffset(data []byte, name string) int {
	tok := []byte("*" + name)
	for off := 0; ; {
		i := bytes.Index(data[off:], tok)
		if i < 0 {
			return -1
		}
		end := off + i + len(tok)
		if end == len(data) || strings.ContainsRune(" \t\r\n,]}", rune(data[end])) {
			return off + i
		}
		off = end
	}
}

// lineCol returns the line and column, counted in characters, of offset i
// of data, whose bytes before i are UTF-8. Lines break as yaml.v3 breaks
// them: at CR, LF, CRLF, NEL, LS and PS.
func lineCol(data []byte, i int) (line, col int) {
	line, col = 1, 1
	for j := 0; j < i; {
		r, size := utf8.DecodeRune(data[j:])
		j += size
		switch {
		case r == '\r' && j < i && data[j] == '\n':
			// The LF of CRLF breaks the line.
		case r == '\r' || r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029:
			line, col = line+1, 1
		default:
			col++
		}
	}
	return line, col
}

func (d *decoder) plugin(n *yaml.Node, p *Plugin) {
	d.mapping(n, "plugin", []field{
		{"version", true, d.str(&p.Version, "plugin.version")},
		{"base-image", true, d.image(&p.BaseImage, "plugin.base-image")},
	})
}

func (d *decoder) serverless(n *yaml.Node, f *File) {
	n = d.resolve(n)
	first := map[string]Pos{}
	d.list(n, "serverless", func(i int, c *yaml.Node) {
		var v Value[string]
		d.str(&v, fmt.Sprintf("serverless[%d]", i))(c)
		if !v.Set {
			return
		}
		// The entry, not the anchor an alias leads to, is what repeats.
		at := d.pos(c)
		if prev, dup := first[v.V]; dup {
			d.problemAt(at, ProblemValue, "duplicate serverless version %s; first at %d:%d", quote(v.V), prev.Line, prev.Col)
			return
		}
		first[v.V] = at
		f.Serverless = append(f.Serverless, v)
	})
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		d.problem(n, ProblemValue, "serverless is empty: list at least one Serverless Framework version, e.g. [\"3.39.0\"]")
	}
}

func (d *decoder) pairs(n *yaml.Node, f *File) {
	n = d.resolve(n)
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
		// A pair is where its entry is, even when the entry is an alias.
		p := Pair{Pos: d.pos(c)}
		d.mapping(c, where, []field{
			{"id", false, d.str(&p.ID, where+".id")},
			{"runtime", true, d.image(&p.Runtime, where+".runtime")},
			{"nodejs", true, d.image(&p.NodeJS, where+".nodejs")},
		})
		if d.resolve(c).Kind == yaml.MappingNode {
			f.Pairs = append(f.Pairs, p)
		}
	}
}

func (d *decoder) policy(n *yaml.Node, f *File) {
	n = d.resolve(n)
	if n.Kind != yaml.MappingNode {
		d.problem(n, ProblemWrongType, "policy must be a mapping of rule ids to severities, found %s", describe(n))
		return
	}
	for _, e := range d.entries(n, "policy") {
		if _, ok := LookupRule(e.name); !ok {
			d.problem(e.key, ProblemPolicy, "unknown rule %s in policy; known rules: %s", quote(e.name), strings.Join(RuleIDs(), ", "))
			continue
		}
		v := d.resolve(e.value)
		sev := Severity(v.Value)
		if v.Kind != yaml.ScalarNode || (sev != Error && sev != Warning && sev != Off) {
			what := describe(v)
			if v.Kind == yaml.ScalarNode {
				what = quote(v.Value)
			}
			d.problem(v, ProblemPolicy, "invalid severity %s for rule %q; want error, warning or off", what, e.name)
			continue
		}
		f.Policy[e.name] = Value[Severity]{V: sev, Pos: d.pos(v), Set: true}
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
		{"stage", false, d.stage(&h.Stage)},
	})
}

// stage decodes harness.stage, which names one of the stage kinds.
func (d *decoder) stage(dst *Value[string]) func(*yaml.Node) {
	return func(n *yaml.Node) {
		var v Value[string]
		d.str(&v, "harness.stage")(n)
		if !v.Set {
			return
		}
		if v.V != StageDeployment && v.V != StageCustom {
			d.problemAt(v.Pos, ProblemValue, "harness.stage %s is not a stage kind; want %s or %s", quote(v.V), StageDeployment, StageCustom)
			return
		}
		*dst = v
	}
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

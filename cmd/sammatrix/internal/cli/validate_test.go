package cli

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// demoMatrix is the offline demo's matrix file.
var demoMatrix = filepath.Join("..", "..", "..", "..", "testdata", "demo", "matrix.yaml")

// The demo's incompatible pairs, by id.
var demoIncompatible = []string{"python3.11-nodejs20.x", "java17-nodejs22.x", "python3.12-nodejs18.x", "python3.12-nodejs22.x-6.0.33"}

var annotation = regexp.MustCompile(`^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::`)

// Every error annotation of -o github points at the line where its pair
// starts in the demo's matrix.yaml, and every incompatible pair has one.
func TestValidateGitHubAnnotationLines(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	data, err := os.ReadFile(demoMatrix)
	if err != nil {
		t.Fatal(err)
	}
	pairLine := map[int]string{}
	for i, l := range strings.Split(string(data), "\n") {
		if id, ok := strings.CutPrefix(l, "  - id: "); ok {
			pairLine[i+1] = id
		}
	}
	var stdout, stderr bytes.Buffer
	args := []string{"validate", "-f", demoMatrix, "--no-cache", "--npm", "nonexistent-npm", "-o", "github"}
	if code := run(args, &stdout, &stderr); code != ExitFindings {
		t.Fatalf("run(%q) = %d, want %d\n%s", args, code, ExitFindings, stderr.String())
	}
	flagged := map[string]bool{}
	for _, l := range strings.Split(stdout.String(), "\n") {
		m := annotation.FindStringSubmatch(l)
		if m == nil || m[1] != "error" {
			continue
		}
		if m[2] != demoMatrix {
			t.Errorf("annotation %q names file %q, want %q", l, m[2], demoMatrix)
		}
		line, _ := strconv.Atoi(m[3])
		id, ok := pairLine[line]
		if !ok || !slices.Contains(demoIncompatible, id) {
			t.Errorf("error annotation %q is on line %d, which starts no incompatible pair (%q)", l, line, id)
			continue
		}
		if m[4] != "5" {
			t.Errorf("error annotation %q is at column %s, want 5 (the pair's entry)", l, m[4])
		}
		flagged[id] = true
	}
	for _, id := range demoIncompatible {
		if !flagged[id] {
			t.Errorf("run(%q): no error annotation on the line of pair %q\n%s", args, id, stdout.String())
		}
	}
}

// A registry that cannot be reached is an operational failure (exit 3)
// that names it, and no report is written.
func TestValidateUnreachableRegistry(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().String()
	l.Close() // nothing listens there any more
	dir := t.TempDir()
	matrix := filepath.Join(dir, "matrix.yaml")
	// The plugin image is on the same unreachable registry: nothing here
	// may reach out to Docker Hub.
	err = os.WriteFile(matrix, []byte(`version: 1
plugin:
  version: 1.1.2
  base-image: `+host+`/harness/serverless-plugin:1.1.0-beta-base-image
target-repo: 127.0.0.1:5000/acme/serverless-plugin
serverless: ["3.39.0"]
pairs:
  - runtime: public.ecr.aws/sam/build-python3.12:1.120.0-20240626164131-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs20.x:1.120.0-20240626164108-x86_64
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json"} {
		t.Run(format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := []string{"validate", "-f", matrix, "--no-cache", "--npm", "nonexistent-npm", "-o", format,
				"--mirror", "public.ecr.aws=" + host, "--insecure-registry", host}
			if code := run(args, &stdout, &stderr); code != ExitFailure {
				t.Fatalf("run(%q) = %d, want %d\nstdout:\n%s\nstderr:\n%s", args, code, ExitFailure, stdout.String(), stderr.String())
			}
			// All three images fail alike: one message, naming the registry.
			if n := strings.Count(stderr.String(), "registry "+host); n != 1 {
				t.Errorf("run(%q) stderr = %q, want it to name registry %s once", args, stderr.String(), host)
			}
			if stdout.Len() != 0 {
				t.Errorf("run(%q) stdout = %q, want nothing", args, stdout.String())
			}
		})
	}
}

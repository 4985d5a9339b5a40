package matrix

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeNPM writes an executable shell script with body and returns its path.
func fakeNPM(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "npm")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// alive reports whether process pid runs (a zombie waiting to be reaped
// does not).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) STATE ...
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

// TestNPMHangs runs an npm that starts a child and never answers: the
// query ends at its timeout saying so, and the child dies with npm.
func TestNPMHangs(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skipf("no /proc to look for the child: %v", err)
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	npm := fakeNPM(t, "sleep 60 &\necho $! > "+pidFile+"\nwait\n")
	const timeout = 300 * time.Millisecond
	start := time.Now()
	got, err := NPM{Command: npm, Timeout: timeout}.Engines(context.Background(), "4.4.0")
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "serverless@4.4.0: timed out after 300ms") {
		t.Fatalf("NPM{a hanging npm, Timeout: %s}.Engines(4.4.0) = %q, %v, want an error saying it timed out", timeout, got, err)
	}
	if took > 20*timeout {
		t.Errorf("NPM{a hanging npm, Timeout: %s}.Engines(4.4.0) took %s, want it ended near the timeout", timeout, took)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		t.Errorf("the process npm started (pid %d) still runs after the timeout, want the whole process group killed", pid)
	}
}

// TestNPMSkipNote checks what the report says when npm cannot answer: why,
// in npm's own code and words, and never a credential npm printed.
func TestNPMSkipNote(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		want    string   // the Skipped entry for serverless@4.4.0 holds this
		secrets []string // and none of these
	}{
		{"hangs", "sleep 60\n", "asking npm for serverless@4.4.0: timed out after 300ms", nil},
		{"npm 10, token in the message", `echo 'npm error code E401' >&2
echo 'npm error Unable to authenticate with //registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789' >&2
exit 1
`, "exit status 1: E401: Unable to authenticate with //registry.npmjs.org/:_authToken=[redacted]", []string{"npm_abcdefghijklmnopqrstuvwxyz0123456789"}},
		{"npm 6, bearer header", `echo 'npm ERR! code E403' >&2
echo 'npm ERR! 403 Forbidden: authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln' >&2
echo 'npm ERR! 403 more detail' >&2
exit 1
`, "E403: 403 Forbidden: authorization: Bearer [redacted]", []string{"eyJhbGciOiJIUzI1NiJ9", "more detail"}},
		{"user and password in a URL", `echo 'npm error code E404' >&2
echo 'npm error 404 Not Found - GET https://alice:s3cr3t@npm.example.com/serverless' >&2
exit 1
`, "E404: 404 Not Found - GET https://[redacted]@npm.example.com/serverless", []string{"alice", "s3cr3t"}},
		{"auth settings", `echo 'npm error code EAUTH' >&2
echo 'npm error bad config _auth=YWxpY2U6czNjcjN0 _password=czNjcjN0 token=ghp_secret' >&2
exit 1
`, "EAUTH: bad config _auth=[redacted] _password=[redacted] token=[redacted]", []string{"YWxpY2U6czNjcjN0", "czNjcjN0", "ghp_secret"}},
		{"token on a later line", `echo 'npm error code E404' >&2
echo 'npm error 404 Not Found' >&2
echo 'npm error //npm.example.com/:_authToken=abcdef0123456789' >&2
exit 1
`, "E404: 404 Not Found", []string{"abcdef0123456789"}},
		{"not npm's format", `echo 'config: //npm.example.com/:_authToken=abcdef0123456789' >&2
exit 7
`, "asking npm for serverless@4.4.0: exit status 7", []string{"abcdef0123456789", "config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			npm := NPM{Command: fakeNPM(t, tt.script), Timeout: 300 * time.Millisecond}
			m := newMatrix(t)
			m.Serverless = `["4.4.0"]`
			m.pair("p", m.image(al2023Runtime(t)), m.image(node20Image(t)))
			r := m.validate(ValidateOptions{Engines: npm.Engines})
			if len(r.Skipped) != 1 || !strings.HasPrefix(r.Skipped[0], "serverless-engine: not checked for serverless@4.4.0: ") || !strings.Contains(r.Skipped[0], tt.want) {
				t.Fatalf("Validate(npm that %s).Skipped = %q, want one entry for serverless@4.4.0 saying %q", tt.name, r.Skipped, tt.want)
			}
			for _, s := range tt.secrets {
				if strings.Contains(r.Skipped[0], s) {
					t.Errorf("Validate(npm that %s).Skipped = %q, want it without %q", tt.name, r.Skipped[0], s)
				}
			}
		})
	}
}

func TestNPMError(t *testing.T) {
	tests := []struct {
		name           string
		stderr, stdout string
		want           string
	}{
		{"npm 10", "npm error code E404\nnpm error 404 No match found for version 0.0.0\nnpm error 404\n", "", "E404: 404 No match found for version 0.0.0"},
		{"npm 6", "npm WARN config x\nnpm ERR! code ETARGET\nnpm ERR! notarget No matching version found\n", "", "ETARGET: notarget No matching version found"},
		{"code only", "npm error code ECONNREFUSED\n", "", "ECONNREFUSED"},
		{"not a code", "npm error code some words\nnpm error it broke\n", "", "it broke"},
		{"json only", "", `{"error": {"code": "E404", "summary": "No match found for version 0.0.0\nmore", "detail": "secret"}}`, "E404: No match found for version 0.0.0"},
		{"nothing", "Segmentation fault\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := npmError([]byte(tt.stderr), []byte(tt.stdout)); got != tt.want {
				t.Errorf("npmError(%q, %q) = %q, want %q", tt.stderr, tt.stdout, got, tt.want)
			}
		})
	}
}

package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
)

// NPMTimeout bounds one npm query unless NPM.Timeout says otherwise.
const NPMTimeout = 60 * time.Second

// EnginesFunc returns the engines.node range of a Serverless Framework version.
type EnginesFunc func(ctx context.Context, serverlessVersion string) (string, error)

// ErrNoNPM means npm is not on PATH, so the engines check cannot run.
var ErrNoNPM = errors.New("npm is not on PATH")

// Store keeps answers between runs: the on-disk cache of package
// inspect/cache is one.
type Store interface {
	// Get returns the payload stored under kind/key; ok is false on a miss.
	Get(kind, key string) (payload []byte, ok bool)
	// Put stores payload under kind/key.
	Put(kind, key string, payload []byte) error
}

// NPM asks npm (`npm view serverless@VERSION engines --json`, which honours
// the user's npm configuration) for engines.node.
type NPM struct {
	// Command is the npm command to run, usually "npm".
	Command string
	// Cache keeps each answer; nil means none.
	Cache Store
	// Timeout bounds one query, after which npm and every process it
	// started are killed; zero means NPMTimeout.
	Timeout time.Duration
}

// NPMEngines returns NPM{Command: npm, Cache: c}.Engines.
func NPMEngines(npm string, c Store) EnginesFunc {
	return NPM{Command: npm, Cache: c}.Engines
}

// Engines returns the engines.node range of serverless@version. An npm
// that fails or does not answer in time is an error that says so, with
// npm's error code and first message but nothing that looks like a
// credential.
func (n NPM) Engines(ctx context.Context, version string) (string, error) {
	key := "serverless-" + version
	if n.Cache != nil {
		if b, ok := n.Cache.Get("npm", key); ok {
			return string(b), nil
		}
	}
	path, err := exec.LookPath(n.Command)
	if err != nil {
		return "", ErrNoNPM
	}
	timeout := n.Timeout
	if timeout <= 0 {
		timeout = NPMTimeout
	}
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(qctx, path, "view", "serverless@"+version, "engines", "--json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	killGroup(cmd)
	// A process npm started may keep the output pipes open after the kill.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if errors.Is(qctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return "", fmt.Errorf("asking npm for serverless@%s: timed out after %s", version, timeout)
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("asking npm for serverless@%s: %w", version, ctx.Err())
		}
		msg := npmError(stderr.Bytes(), stdout.Bytes())
		if msg == "" {
			return "", fmt.Errorf("asking npm for serverless@%s: %v", version, err)
		}
		return "", fmt.Errorf("asking npm for serverless@%s: %v: %s", version, err, msg)
	}
	rng, err := parseEngines(stdout.Bytes())
	if err != nil {
		return "", fmt.Errorf("reading npm's answer for serverless@%s: %w", version, err)
	}
	if n.Cache != nil {
		_ = n.Cache.Put("npm", key, []byte(rng))
	}
	return rng, nil
}

// npmCode is the form of npm's error codes: E404, ETARGET, EAI_AGAIN.
var npmCode = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`) })

// npmError returns npm's error code and first message line, from its
// stderr ("npm ERR! code E404" up to npm 9, "npm error code E404" since)
// or else from the error object --json prints, with credentials redacted.
// It keeps nothing else: npm's output can echo its configuration.
func npmError(stderr, stdout []byte) string {
	var code, msg string
	for _, line := range strings.Split(string(stderr), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "npm ERR!")
		if !ok {
			rest, ok = strings.CutPrefix(strings.TrimSpace(line), "npm error")
		}
		rest = strings.TrimSpace(rest)
		if !ok || rest == "" {
			continue
		}
		if c, isCode := strings.CutPrefix(rest, "code "); isCode {
			if c = strings.TrimSpace(c); code == "" && npmCode().MatchString(c) {
				code = c
			}
			continue
		}
		if msg == "" {
			msg = rest
		}
	}
	if code == "" && msg == "" {
		var j struct {
			Error struct {
				Code    string `json:"code"`
				Summary string `json:"summary"`
			} `json:"error"`
		}
		if json.Unmarshal(stdout, &j) == nil {
			if npmCode().MatchString(j.Error.Code) {
				code = j.Error.Code
			}
			msg, _, _ = strings.Cut(strings.TrimSpace(j.Error.Summary), "\n")
		}
	}
	msg = redact(msg)
	switch {
	case code != "" && msg != "":
		return code + ": " + msg
	case code != "":
		return code
	}
	return msg
}

// credentials match what npm may print of its configuration or a request:
// auth settings of .npmrc, authorization headers, npm access tokens and
// the user information of a URL.
var credentials = sync.OnceValue(func() []redaction {
	return []redaction{
		{regexp.MustCompile(`(?i)(_authToken|_auth|_password|password|token)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)`), "${1}${2}[redacted]"},
		{regexp.MustCompile(`(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+`), "${1} [redacted]"},
		{regexp.MustCompile(`npm_[A-Za-z0-9]{36}`), "[redacted]"},
		{regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@`), "${1}[redacted]@"},
	}
})

// redaction replaces what re matches with with.
type redaction struct {
	re   *regexp.Regexp
	with string
}

// redact removes what looks like a credential from s.
func redact(s string) string {
	for _, c := range credentials() {
		s = c.re.ReplaceAllString(s, c.with)
	}
	return s
}

// parseEngines reads `npm view … engines --json`: an object with a "node"
// range. An empty answer (no engines field) means any node.
func parseEngines(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "*", nil
	}
	var engines struct {
		Node string `json:"node"`
	}
	if err := json.Unmarshal(b, &engines); err != nil {
		return "", err
	}
	if engines.Node == "" {
		return "*", nil
	}
	return engines.Node, nil
}

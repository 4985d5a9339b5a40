package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/sammatrix/sammatrix/inspect/cache"
)

// NPMTimeout bounds one npm query.
const NPMTimeout = 60 * time.Second

// EnginesFunc returns the engines.node range of a Serverless Framework version.
type EnginesFunc func(ctx context.Context, serverlessVersion string) (string, error)

// ErrNoNPM means npm is not on PATH, so the engines check cannot run.
var ErrNoNPM = errors.New("npm is not on PATH")

// NPMEngines asks npm (`npm view serverless@VERSION engines --json`, which
// honours the user's npm configuration) and caches each answer in c (nil:
// no cache). npm is the command to run, usually "npm".
func NPMEngines(npm string, c *cache.Cache) EnginesFunc {
	return func(ctx context.Context, version string) (string, error) {
		key := "serverless-" + version
		if c != nil {
			if b, ok := c.Get("npm", key); ok {
				return string(b), nil
			}
		}
		path, err := exec.LookPath(npm)
		if err != nil {
			return "", ErrNoNPM
		}
		ctx, cancel := context.WithTimeout(ctx, NPMTimeout)
		defer cancel()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, path, "view", "serverless@"+version, "engines", "--json")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			msg := strings.TrimSpace(stderr.String())
			if i := strings.IndexByte(msg, '\n'); i > 0 {
				msg = msg[:i]
			}
			return "", fmt.Errorf("asking npm for serverless@%s: %v %s", version, err, msg)
		}
		rng, err := parseEngines(stdout.Bytes())
		if err != nil {
			return "", fmt.Errorf("reading npm's answer for serverless@%s: %w", version, err)
		}
		if c != nil {
			_ = c.Put("npm", key, []byte(rng))
		}
		return rng, nil
	}
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

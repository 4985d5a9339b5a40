package harness

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// DaemonWait is how many seconds the build waits for the Docker daemon.
const DaemonWait = 60

// heredocEnd is the delimiter of the here-documents that hold the
// Dockerfiles; a number is appended when a Dockerfile has it as a line.
const heredocEnd = "SAMMATRIX_DOCKERFILE"

// BaseDigestVariable is the output variable holding the digest of the base
// image. Those of the Serverless images are DIGEST_SERVERLESS_ and the
// version as an identifier: DIGEST_SERVERLESS_3_39_0.
const BaseDigestVariable = "DIGEST_BASE"

// notIdentifier matches what a Harness identifier cannot hold.
var notIdentifier = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^0-9a-zA-Z_]`) })

// Identifier returns s as a Harness identifier
// (^[a-zA-Z_][0-9a-zA-Z_]{0,127}$): every other character becomes '_'
// (python3.12 → python3_12), a leading digit gets a '_' before it, and
// the result is cut at 128 characters.
func Identifier(s string) string {
	id := notIdentifier().ReplaceAllString(s, "_")
	if id == "" || (id[0] >= '0' && id[0] <= '9') {
		id = "_" + id
	}
	if len(id) > 128 {
		id = id[:128]
	}
	return id
}

// uniqueIdentifiers returns Identifier of each name, with _2, _3, … (within
// 128 characters) appended to those that would repeat an earlier one.
func uniqueIdentifiers(names []string, taken ...string) []string {
	seen := map[string]bool{}
	for _, t := range taken {
		seen[t] = true
	}
	out := make([]string, len(names))
	for i, n := range names {
		id := Identifier(n)
		for k := 2; seen[id]; k++ {
			suffix := fmt.Sprintf("_%d", k)
			base := Identifier(n)
			if len(base)+len(suffix) > 128 {
				base = base[:128-len(suffix)]
			}
			id = base + suffix
		}
		seen[id] = true
		out[i] = id
	}
	return out
}

// buildScript returns the Run step's command and its output variables. The
// command builds the pair named by $PAIR_ID: it waits for the daemon, logs
// in to registry, writes the pair's Dockerfile byte for byte, then builds
// and pushes each of its images and keeps their digests.
func buildScript(registry string, versions []string, pairs []Pair) (string, []string, error) {
	names := make([]string, len(versions))
	for i, v := range versions {
		names[i] = "DIGEST_SERVERLESS_" + v
	}
	digestVars := uniqueIdentifiers(names, BaseDigestVariable)
	outputs := append([]string{BaseDigestVariable}, digestVars...)

	var b strings.Builder
	fmt.Fprintf(&b, `# Builds and pushes the images of the pair named by PAIR_ID.
set -eu

# The daemon runs in the %[1]s step; its socket comes through /var/run.
waited=0
until docker info >/dev/null 2>&1; do
  if [ "$waited" -ge %[2]d ]; then
    echo "no Docker daemon answered on /var/run/docker.sock within %[2]d s; see the log of the %[1]s step" >&2
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done

printf '%%s' "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin %[3]s

`, DaemonID, DaemonWait, shQuote(registry))
	for _, v := range outputs {
		fmt.Fprintf(&b, "%s=''\n", v)
	}
	b.WriteString(`
# publish TARGET TAG builds the Dockerfile's stage TARGET, pushes it as
# TARGET_REPO:TAG and sets digest to the digest it was pushed as.
publish() {
  docker build --target "$1" --tag "$TARGET_REPO:$2" "build/$PAIR_ID"
  docker push "$TARGET_REPO:$2"
  digest=$(docker inspect --format '{{index .RepoDigests 0}}' "$TARGET_REPO:$2")
  echo "pushed $TARGET_REPO:$2 as $digest"
}

mkdir -p "build/$PAIR_ID"
case "$PAIR_ID" in
`)
	for _, p := range pairs {
		if err := checkPair(p, versions); err != nil {
			return "", nil, err
		}
		end := delimiter(p.Dockerfile)
		fmt.Fprintf(&b, "%s)\n", shQuote(p.ID))
		fmt.Fprintf(&b, "  cat > %s <<'%s'\n", shQuote("build/"+p.ID+"/Dockerfile"), end)
		b.Write(p.Dockerfile)
		fmt.Fprintf(&b, "%s\n", end)
		fmt.Fprintf(&b, "  publish %s %s\n", shQuote(BaseTarget), shQuote(p.BaseTag))
		fmt.Fprintf(&b, "  %s=$digest\n", BaseDigestVariable)
		for i, v := range versions {
			tag, ok := p.ServerlessTags[v]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "  publish %s %s\n", shQuote(ServerlessTarget(v)), shQuote(tag))
			fmt.Fprintf(&b, "  %s=$digest\n", digestVars[i])
		}
		b.WriteString("  ;;\n")
	}
	fmt.Fprintf(&b, `*)
  echo "this pipeline has no Dockerfile for pair $PAIR_ID; render it again" >&2
  exit 1
  ;;
esac

export %s
`, strings.Join(outputs, " "))
	return b.String(), outputs, nil
}

// checkPair reports what keeps a pair out of the build script.
func checkPair(p Pair, versions []string) error {
	switch {
	case p.ID == "":
		return fmt.Errorf("rendering the pipeline: a pair has no id")
	case p.BaseTag == "":
		return fmt.Errorf("rendering the pipeline: pair %q has no base tag", p.ID)
	case len(p.Dockerfile) == 0 || !bytes.HasSuffix(p.Dockerfile, []byte("\n")):
		// A here-document always ends with a newline.
		return fmt.Errorf("rendering the pipeline: the Dockerfile of pair %q does not end with a newline", p.ID)
	case bytes.Contains(p.Dockerfile, []byte("<+")):
		// Harness would evaluate it as an expression and change the file.
		return fmt.Errorf("rendering the pipeline: the Dockerfile of pair %q holds %q, which Harness reads as an expression", p.ID, "<+")
	}
	for v := range p.ServerlessTags {
		if !slices.Contains(versions, v) {
			return fmt.Errorf("rendering the pipeline: pair %q has a tag for Serverless version %q, which matrix.yaml does not list", p.ID, v)
		}
	}
	return nil
}

// delimiter returns a here-document delimiter that is no line of content.
func delimiter(content []byte) string {
	lines := strings.Split(string(content), "\n")
	end := heredocEnd
	for k := 2; slices.Contains(lines, end); k++ {
		end = fmt.Sprintf("%s_%d", heredocEnd, k)
	}
	return end
}

// shQuote quotes s for a POSIX shell.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

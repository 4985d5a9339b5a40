package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeDocker stands in for the Docker client, which needs a daemon: it
// logs its arguments (and what login reads from stdin) and answers inspect
// with a digest made from the image name.
const fakeDocker = `#!/bin/sh
case "$1" in
login) printf 'login %s stdin=%s\n' "$*" "$(cat)" >> "$DOCKER_LOG" ;;
inspect) eval "last=\${$#}"; echo "${last%%:*}@sha256:$(echo "$last" | cksum | cut -d' ' -f1)" ;;
info) ;;
*) echo "$*" >> "$DOCKER_LOG" ;;
esac
`

// TestBuildScriptRuns runs the build step's command in a POSIX shell, as
// the docker image's sh would, for one pair of the matrix.
func TestBuildScriptRuns(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run the build script")
	}
	cmd := script(t, render(t, testMatrix))
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "docker"), []byte(fakeDocker), 0o755); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "docker.log")
	run := exec.Command(sh, "-c", cmd+`echo "DIGEST_BASE=$DIGEST_BASE"; echo "DIGEST_SERVERLESS_4_4_0=$DIGEST_SERVERLESS_4_4_0"`)
	run.Dir = work
	run.Env = []string{
		"PATH=" + bin + ":" + os.Getenv("PATH"),
		"DOCKER_LOG=" + log,
		"PAIR_ID=nodejs20.x",
		"TARGET_REPO=docker.io/acme/serverless-plugin",
		"DOCKER_USERNAME=robot",
		"DOCKER_PASSWORD=s3cr3t value",
	}
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("build script: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "s3cr3t") {
		t.Errorf("build script printed the password:\n%s", out)
	}
	got, err := os.ReadFile(filepath.Join(work, "build", "nodejs20.x", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if want := string(testDockerfile("nodejs20.x")); string(got) != want {
		t.Errorf("Dockerfile the script wrote =\n%s\nwant byte-equal\n%s", got, want)
	}
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	want := `login login -u robot --password-stdin docker.io stdin=s3cr3t value
build --target base --tag docker.io/acme/serverless-plugin:nodejs20.x-1.1.2-linux-amd64 build/nodejs20.x
push docker.io/acme/serverless-plugin:nodejs20.x-1.1.2-linux-amd64
build --target serverless-3.39.0 --tag docker.io/acme/serverless-plugin:nodejs20.x-3.39.0-1.1.2-linux-amd64 build/nodejs20.x
push docker.io/acme/serverless-plugin:nodejs20.x-3.39.0-1.1.2-linux-amd64
build --target serverless-4.4.0 --tag docker.io/acme/serverless-plugin:nodejs20.x-4.4.0-1.1.2-linux-amd64 build/nodejs20.x
push docker.io/acme/serverless-plugin:nodejs20.x-4.4.0-1.1.2-linux-amd64
`
	if string(calls) != want {
		t.Errorf("docker calls =\n%s\nwant\n%s", calls, want)
	}
	for _, line := range []string{
		"pushed docker.io/acme/serverless-plugin:nodejs20.x-1.1.2-linux-amd64 as docker.io/acme/serverless-plugin@sha256:",
		"DIGEST_BASE=docker.io/acme/serverless-plugin@sha256:",
		"DIGEST_SERVERLESS_4_4_0=docker.io/acme/serverless-plugin@sha256:",
	} {
		if !strings.Contains(string(out), line) {
			t.Errorf("build script output lacks %q:\n%s", line, out)
		}
	}

	// A pair the pipeline does not know fails with a message.
	run = exec.Command(sh, "-c", cmd)
	run.Dir = work
	run.Env = append(run.Env[:0:0], "PATH="+bin+":"+os.Getenv("PATH"), "DOCKER_LOG="+log, "PAIR_ID=ruby3.2",
		"TARGET_REPO=x", "DOCKER_USERNAME=u", "DOCKER_PASSWORD=p")
	out, err = run.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no Dockerfile for pair ruby3.2") {
		t.Errorf("build script for an unknown pair = %v, %s; want a failure naming it", err, out)
	}
}

package dockerfile

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/sammatrix/sammatrix/matrix/recipe"
)

var (
	runtimeDigest = "sha256:" + strings.Repeat("1a", 32)
	nodeDigest    = "sha256:" + strings.Repeat("2b", 32)
	pluginDigest  = "sha256:" + strings.Repeat("3c", 32)
	dockerSum     = strings.Repeat("4d", 32)
	goTemplateSum = strings.Repeat("5e", 32)
)

// typical is the build of a pair as matrix.yaml describes it.
func typical() Build {
	return Build{
		Images: map[recipe.Role]Image{
			recipe.Runtime: {"public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64", runtimeDigest},
			recipe.NodeJS:  {"public.ecr.aws/sam/build-nodejs20.x:1.143.0-20250822194415-x86_64", nodeDigest},
			recipe.Plugin:  {"harness/serverless-plugin:1.1.0-beta-base-image", pluginDigest},
		},
		Serverless:    []string{"3.39.0", "4.17.1"},
		DockerCLI:     Download{SHA256: dockerSum},
		GoTemplate:    Download{SHA256: goTemplateSum},
		PluginVersion: "1.1.2",
		Title:         "python3.12",
	}
}

// TestRenderGolden compares whole Dockerfiles with testdata/*.Dockerfile;
// UPDATE_GOLDEN=1 rewrites them. Each must draw no problem from BuildKit.
func TestRenderGolden(t *testing.T) {
	noSums := typical()
	noSums.DockerCLI, noSums.GoTemplate = Download{Version: "27.5.1"}, Download{}
	noSums.Serverless = []string{"3.39.0"}
	noSums.Images[recipe.NodeJS] = Image{"public.ecr.aws/sam/build-nodejs20.x:1.143.0-20250822194415-x86_64@" + nodeDigest, nodeDigest}
	forced := typical()
	forced.Forced = []string{
		"python3.12: libstdcxx-mismatch: runtime has libstdc++.so.6.0.33, nodejs has libstdc++.so.6.0.29",
		"python3.12: overlay-overwrites: the COPY replaces 12 files under /var/lang",
	}
	baseOnly := typical()
	baseOnly.Serverless = nil
	for _, tt := range []struct {
		name  string
		build Build
	}{
		{"typical", typical()},
		{"no-checksums", noSums},
		{"forced", forced},
		{"base-only", baseOnly},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.build)
			if err != nil {
				t.Fatalf("Render(%s) error: %v", tt.name, err)
			}
			if _, problems := parseDockerfile(got); len(problems) > 0 {
				t.Errorf("BuildKit on Render(%s) = %q, want no problem\n%s", tt.name, problems, got)
			}
			golden := filepath.Join("testdata", tt.name+".Dockerfile")
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("reading golden file (UPDATE_GOLDEN=1 writes it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render(%s) =\n%s\nwant (%s; UPDATE_GOLDEN=1 rewrites it)\n%s", tt.name, got, golden, want)
			}
			again, err := Render(tt.build)
			if err != nil || !bytes.Equal(again, got) {
				t.Errorf("Render(%s) a second time differs (err %v)", tt.name, err)
			}
		})
	}
}

// TestRenderTargets checks what a user builds: every FROM pinned by digest,
// base as the runtime image, one target per Serverless version installing
// that version, labels and entry point.
func TestRenderTargets(t *testing.T) {
	df, err := Render(typical())
	if err != nil {
		t.Fatal(err)
	}
	stages, problems := parseDockerfile(df)
	if len(problems) > 0 {
		t.Fatalf("BuildKit on Render(typical) = %q, want no problem", problems)
	}
	var names []string
	for _, s := range stages {
		names = append(names, s.Name)
		if !slices.Contains(names[:len(names)-1], s.BaseName) && !strings.Contains(s.BaseName, "@sha256:") {
			t.Errorf("stage %q starts FROM %q, want an earlier stage or a digest", s.Name, s.BaseName)
		}
	}
	if want := []string{"nodejs_base", "harness_plugin", "base", "serverless-3.39.0", "serverless-4.17.1"}; !slices.Equal(names, want) {
		t.Errorf("Render(typical) stages = %q, want %q", names, want)
	}
	if got, want := stages[2].BaseName, "public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64@"+runtimeDigest; got != want {
		t.Errorf("Render(typical) base FROM %q, want %q", got, want)
	}
	labels := map[string]string{}
	for _, c := range stages[2].Commands {
		switch c := c.(type) {
		case *instructions.LabelCommand:
			for _, kv := range c.Labels {
				labels[kv.Key] = kv.Value
			}
		case *instructions.EntrypointCommand:
			if want := []string{recipe.Entrypoint}; !slices.Equal(c.CmdLine, want) || c.PrependShell {
				t.Errorf("Render(typical) ENTRYPOINT = %q (shell %v), want exec form %q", c.CmdLine, c.PrependShell, want)
			}
		}
	}
	for k, want := range map[string]string{
		"org.opencontainers.image.base.name":   typical().Images[recipe.Runtime].Ref,
		"org.opencontainers.image.base.digest": runtimeDigest,
		"org.opencontainers.image.version":     "1.1.2",
		"org.opencontainers.image.title":       "python3.12",
	} {
		if got := labels[k]; unquote(got) != want {
			t.Errorf("Render(typical) LABEL %s = %s, want %q", k, got, want)
		}
	}
	for i, v := range []string{"3.39.0", "4.17.1"} {
		s := stages[3+i]
		if want := "is base with the Serverless Framework " + v + "."; s.DocComment != want {
			t.Errorf("stage %s description = %q, want %q", s.Name, s.DocComment, want)
		}
		if s.BaseName != "base" {
			t.Errorf("stage %s FROM %q, want base", s.Name, s.BaseName)
		}
		run := runLines(s)
		if len(run) != 1 || !strings.Contains(run[0], "npm install -g serverless@"+v+" ") || !strings.HasSuffix(run[0], "&& serverless --version") {
			t.Errorf("stage %s RUN = %q, want npm install -g serverless@%s, then serverless --version", s.Name, run, v)
		}
	}
	if bytes.Contains(df, []byte("|| ")) {
		t.Errorf("Render(typical) has an || that could hide a failed command:\n%s", df)
	}
}

// TestRenderChecksums checks that a download is verified exactly when its
// checksum is given.
func TestRenderChecksums(t *testing.T) {
	for _, tt := range []struct {
		name       string
		docker, gt string
	}{
		{"both", dockerSum, goTemplateSum},
		{"docker only", dockerSum, ""},
		{"go-template only", "", goTemplateSum},
		{"none", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := typical()
			b.DockerCLI.SHA256, b.GoTemplate.SHA256 = tt.docker, tt.gt
			df, err := Render(b)
			if err != nil {
				t.Fatal(err)
			}
			stages, problems := parseDockerfile(df)
			if len(problems) > 0 {
				t.Fatalf("BuildKit = %q, want no problem", problems)
			}
			run := strings.Join(runLines(stages[2]), "\n")
			for _, c := range []struct{ sum, file, url string }{
				{tt.docker, "/tmp/docker.tgz", "https://download.docker.com/linux/static/stable/x86_64/docker-" + recipe.DefaultDockerCLIVersion + ".tgz"},
				{tt.gt, GoTemplatePath, "https://github.com/harness/go-template/releases/download/" + recipe.DefaultGoTemplateVersion + "/go-template_linux_amd64"},
			} {
				if !strings.Contains(run, "curl -fsSL -o "+c.file+" "+c.url+" ") {
					t.Errorf("Render RUN lines = %s\nwant curl -fsSL -o %s %s", run, c.file, c.url)
				}
				check := `echo "` + c.sum + "  " + c.file + `" | sha256sum -c -`
				if got := strings.Contains(run, check); got != (c.sum != "") {
					t.Errorf("Render with sha256 %q: has %s = %v, want %v", c.sum, check, got, c.sum != "")
				}
				if c.sum == "" && strings.Contains(run, "sha256sum -c - && chmod +x "+c.file) {
					t.Errorf("Render without a sum checks %s", c.file)
				}
			}
		})
	}
}

// TestRenderForced checks that forced findings stay comments whatever
// their text.
func TestRenderForced(t *testing.T) {
	plain, err := Render(typical())
	if err != nil {
		t.Fatal(err)
	}
	b := typical()
	b.Forced = []string{"pair x: bad\nRUN rm -rf /", "ends in a continuation \\", "carriage\rENTRYPOINT [\"/bin/sh\"]"}
	df, err := Render(b)
	if err != nil {
		t.Fatal(err)
	}
	want := Header + "\n# forced: pair x: bad RUN rm -rf /\n# forced: ends in a continuation \\\n# forced: carriage ENTRYPOINT [\"/bin/sh\"]\n"
	if !bytes.HasPrefix(df, []byte(want)) {
		t.Errorf("Render(forced) starts\n%s\nwant\n%s", df[:len(want)], want)
	}
	if got := df[len(want):]; !bytes.Equal(got, plain[len(Header)+1:]) {
		t.Errorf("Render(forced) after the comments =\n%s\nwant the Dockerfile without them:\n%s", got, plain[len(Header)+1:])
	}
	stages, problems := parseDockerfile(df)
	if len(problems) > 0 {
		t.Fatalf("BuildKit on Render(forced) = %q, want no problem", problems)
	}
	plainStages, _ := parseDockerfile(plain)
	for i := range stages {
		if len(stages[i].Commands) != len(plainStages[i].Commands) {
			t.Errorf("stage %s has %d commands, want %d as without forced comments", stages[i].Name, len(stages[i].Commands), len(plainStages[i].Commands))
		}
	}
}

// TestRenderFollowsRecipe renders a recipe unlike the default one: the
// Dockerfile must copy, set and make executable what that recipe says, and
// BuildKit must expand its ENV lines as the recipe's Apply does.
func TestRenderFollowsRecipe(t *testing.T) {
	r := &recipe.Recipe{
		Stages: []recipe.Stage{{Name: "plugin", Role: recipe.Plugin}, {Name: "node", Role: recipe.NodeJS}, {Name: "main", Role: recipe.Runtime}},
		Copies: []recipe.Copy{
			{From: recipe.Plugin, Src: "/usr/local/plugin", Dst: "/usr/local/plugin"},
			{From: recipe.NodeJS, Src: "/nodejs", Dst: "/usr/local/nodejs"},
			{From: recipe.NodeJS, Src: "/etc/npmrc", Dst: "/etc/npmrc"},
		},
		Env: []recipe.Env{
			{Name: "PATH", Value: "/usr/local/nodejs/bin:${PATH}"},
			{Name: "HARNESS_GO_PLUGIN_VERSION", Value: "v0.5.0"},
			{Name: "NOTE", Value: `a "quoted" $HOME \ and ${UNSET}x${B`},
			{Name: "EMPTY", Value: ""},
		},
		Programs: []recipe.Program{{From: recipe.NodeJS, Path: "/usr/local/nodejs/bin/node"}, {From: recipe.Plugin, Path: "/usr/local/plugin/run"}},
	}
	b := typical()
	b.Recipe = r
	df, err := Render(b)
	if err != nil {
		t.Fatal(err)
	}
	stages, problems := parseDockerfile(df)
	if len(problems) > 0 {
		t.Fatalf("BuildKit on Render(recipe) = %q, want no problem\n%s", problems, df)
	}
	if bytes.Contains(df, []byte(recipe.LangDir)) {
		t.Errorf("Render(recipe without %s) mentions it:\n%s", recipe.LangDir, df)
	}
	if !bytes.Contains(df, []byte("/go-template/releases/download/v0.5.0/")) {
		t.Errorf("Render(recipe) does not download go-template v0.5.0, the recipe's %s:\n%s", GoTemplateEnv, df)
	}
	var names []string
	for _, s := range stages {
		names = append(names, s.Name)
	}
	if want := []string{"plugin", "node", "main", "serverless-3.39.0", "serverless-4.17.1"}; !slices.Equal(names, want) {
		t.Fatalf("Render(recipe) stages = %q, want %q", names, want)
	}
	stageOf := map[recipe.Role]string{recipe.Plugin: "plugin", recipe.NodeJS: "node"}
	var copies []recipe.Copy
	env := []string{"PATH=/usr/bin:/bin", "HOME=/root"}
	lex := shell.NewLex('\\')
	for _, c := range stages[2].Commands {
		switch c := c.(type) {
		case *instructions.CopyCommand:
			copies = append(copies, recipe.Copy{From: roleOf(stageOf, c.From), Src: c.SourcePaths[0], Dst: c.DestPath})
		case *instructions.EnvCommand:
			if err := c.Expand(func(word string) (string, error) {
				s, _, err := lex.ProcessWord(word, shell.EnvsFromSlice(env))
				return s, err
			}); err != nil {
				t.Fatalf("expanding %s: %v", c, err)
			}
			for _, kv := range c.Env {
				env = append(env, kv.Key+"="+kv.Value)
			}
		}
	}
	if !slices.Equal(copies, r.Copies) {
		t.Errorf("Render(recipe) copies = %v, want %v", copies, r.Copies)
	}
	want := r.Apply(map[string]string{"PATH": "/usr/bin:/bin", "HOME": "/root"})
	got := shell.EnvsFromSlice(env)
	for k, v := range want {
		if g, _ := got.Get(k); g != v {
			t.Errorf("BuildKit's %s after Render(recipe) = %q, want %q as recipe.Apply", k, g, v)
		}
	}
	if run := strings.Join(runLines(stages[2]), "\n"); !strings.Contains(run, "chmod +x /usr/local/plugin/run "+recipe.Entrypoint) {
		t.Errorf("Render(recipe) RUN lines = %s\nwant chmod +x of the recipe's plugin program and the entry point", run)
	}
}

// TestRenderRejects checks that bad input is refused with an error naming
// what was expected and what was found.
func TestRenderRejects(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*Build)
		want   []string
	}{
		{"missing nodejs image", func(b *Build) { delete(b.Images, recipe.NodeJS) }, []string{`no image for role "nodejs"`}},
		{"missing runtime image", func(b *Build) { delete(b.Images, recipe.Runtime) }, []string{`no image for role "runtime"`}},
		{"image of no stage", func(b *Build) { b.Images["extra"] = Image{"x:1", runtimeDigest} }, []string{`role "extra": the recipe has no stage`}},
		{"short digest", func(b *Build) { b.Images[recipe.Plugin] = Image{"harness/p:1", "sha256:abc"} }, []string{`digest "sha256:abc"`, "want sha256:<64 lower-case hex digits>"}},
		{"upper-case digest", func(b *Build) {
			b.Images[recipe.Plugin] = Image{"harness/p:1", strings.ToUpper(pluginDigest)}
		}, []string{"want sha256:<64 lower-case hex digits>"}},
		{"missing digest", func(b *Build) { b.Images[recipe.Plugin] = Image{"harness/p:1", ""} }, []string{`digest "" of "harness/p:1"`}},
		{"other digest in ref", func(b *Build) {
			b.Images[recipe.NodeJS] = Image{"n:1@" + runtimeDigest, nodeDigest}
		}, []string{"pins " + runtimeDigest + ", want the image's digest " + nodeDigest}},
		{"local ref", func(b *Build) { b.Images[recipe.NodeJS] = Image{"oci:layout:x", nodeDigest} }, []string{"want a registry reference"}},
		{"bad ref", func(b *Build) { b.Images[recipe.NodeJS] = Image{"Upper Case", nodeDigest} }, []string{`parsing reference "Upper Case"`}},
		{"version with space", func(b *Build) { b.DockerCLI.Version = "20.10 24" }, []string{`docker CLI version "20.10 24": want letters, digits and . _ + - only`}},
		{"version with $", func(b *Build) { b.PluginVersion = "1.$(id)" }, []string{`plugin version "1.$(id)"`}},
		{"version with backtick", func(b *Build) { b.Serverless = []string{"3.`id`"} }, []string{"serverless version \"3.`id`\""}},
		{"version with quote", func(b *Build) { b.GoTemplate.Version = `v0.4.5"` }, []string{`go-template version "v0.4.5\""`}},
		{"version with newline", func(b *Build) { b.Serverless = []string{"3.39.0\nRUN id"} }, []string{`serverless version "3.39.0\nRUN id"`}},
		{"upper-case serverless version", func(b *Build) { b.Serverless = []string{"4.0.0-RC1"} }, []string{`serverless version "4.0.0-RC1": want lower-case`}},
		{"serverless twice", func(b *Build) { b.Serverless = []string{"3.39.0", "3.39.0"} }, []string{`serverless version "3.39.0": listed twice`}},
		{"empty plugin version", func(b *Build) { b.PluginVersion = "" }, []string{`plugin version ""`}},
		{"version of 129 characters", func(b *Build) { b.PluginVersion = strings.Repeat("1", 129) }, []string{`plugin version "` + strings.Repeat("1", 129) + `"`}},
		{"version starting with a dot", func(b *Build) { b.DockerCLI.Version = ".27" }, []string{`docker CLI version ".27"`}},
		{"empty title", func(b *Build) { b.Title = "" }, []string{`title ""`}},
		{"title with newline", func(b *Build) { b.Title = "a\nRUN id" }, []string{`title "a\nRUN id"`}},
		{"short checksum", func(b *Build) { b.DockerCLI.SHA256 = dockerSum[1:] }, []string{`docker CLI sha256 "` + dockerSum[1:] + `": want 64 lower-case hex digits`}},
		{"upper-case checksum", func(b *Build) { b.GoTemplate.SHA256 = strings.ToUpper(goTemplateSum) }, []string{`go-template sha256 "` + strings.ToUpper(goTemplateSum) + `"`}},
		{"checksum with space", func(b *Build) { b.GoTemplate.SHA256 = goTemplateSum[:63] + " " }, []string{"want 64 lower-case hex digits"}},
		{"go-template other than the recipe's", func(b *Build) { b.GoTemplate.Version = "v0.9.9" }, []string{`go-template version "v0.9.9": the recipe's HARNESS_GO_PLUGIN_VERSION is "v0.4.5"`}},
		{"copy from a role without stage", func(b *Build) {
			b.Recipe = &recipe.Recipe{Stages: []recipe.Stage{{Name: "base", Role: recipe.Runtime}}, Copies: []recipe.Copy{{From: recipe.NodeJS, Src: "/a", Dst: "/a"}}}
			b.Images = map[recipe.Role]Image{recipe.Runtime: b.Images[recipe.Runtime]}
			b.GoTemplate.Version = "v1"
		}, []string{`recipe copies /a from role "nodejs", which has no stage`}},
		{"copy from a later stage", func(b *Build) {
			b.Recipe = &recipe.Recipe{Stages: []recipe.Stage{{Name: "base", Role: recipe.Runtime}, {Name: "node", Role: recipe.NodeJS}},
				Copies: []recipe.Copy{{From: recipe.NodeJS, Src: "/a", Dst: "/a"}}}
			delete(b.Images, recipe.Plugin)
			b.GoTemplate.Version = "v1"
		}, []string{`recipe copies /a from role "nodejs", want a stage before the "base" stage`}},
		{"every problem at once", func(b *Build) {
			delete(b.Images, recipe.NodeJS)
			b.DockerCLI.SHA256 = "x"
			b.Serverless = []string{"a b"}
		}, []string{`no image for role "nodejs"`, `docker CLI sha256 "x"`, `serverless version "a b"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := typical()
			tt.change(&b)
			df, err := Render(b)
			if err == nil {
				t.Fatalf("Render(%s) = %d bytes, nil error, want an error", tt.name, len(df))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Render(%s) error = %v, want it to contain %q", tt.name, err, w)
				}
			}
			if df != nil {
				t.Errorf("Render(%s) returned output with its error", tt.name)
			}
		})
	}
}

// TestPin checks the FROM reference of an image for each way it can be
// written.
func TestPin(t *testing.T) {
	d := runtimeDigest
	for _, tt := range []struct{ ref, want string }{
		{"public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64", "public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64@" + d},
		{"public.ecr.aws/sam/build-python3.12:1.143.0@" + d, "public.ecr.aws/sam/build-python3.12:1.143.0@" + d},
		{"public.ecr.aws/sam/build-python3.12@" + d, "public.ecr.aws/sam/build-python3.12@" + d},
		{"public.ecr.aws/sam/build-python3.12", "public.ecr.aws/sam/build-python3.12@" + d},
		{"localhost:5000/sam/build-python3.12", "localhost:5000/sam/build-python3.12@" + d},
		{"localhost:5000/sam/build-python3.12:v1", "localhost:5000/sam/build-python3.12:v1@" + d},
	} {
		t.Run(tt.ref, func(t *testing.T) {
			if got, err := pin(Image{tt.ref, d}); got != tt.want || err != nil {
				t.Errorf("pin(%s) = %q, %v, want %q", tt.ref, got, err, tt.want)
			}
		})
	}
}

// runLines returns the command lines of the RUN instructions of s.
func runLines(s instructions.Stage) []string {
	var out []string
	for _, c := range s.Commands {
		if r, ok := c.(*instructions.RunCommand); ok {
			out = append(out, strings.Join(r.CmdLine, " "))
		}
	}
	return out
}

// roleOf returns the role whose stage is named name.
func roleOf(stages map[recipe.Role]string, name string) recipe.Role {
	for role, n := range stages {
		if n == name {
			return role
		}
	}
	return ""
}

// unquote strips the double quotes of a LABEL value.
func unquote(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, `"`), `"`) }

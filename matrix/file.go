package matrix

import (
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// Version is the matrix.yaml format this package reads.
const Version = 1

// Defaults for optional settings; the README's key table names them too.
const (
	DefaultFile              = "matrix.yaml"
	DefaultPipeline          = "serverless_image_build"
	DefaultMaxConcurrency    = 4
	DefaultNamespace         = "default"
	DefaultDockerUserSecret  = "account.dockerhub_username"
	DefaultDockerPassSecret  = "account.dockerhub_pat"
	DefaultGoTemplateVersion = recipe.DefaultGoTemplateVersion
	DefaultDockerCLIVersion  = recipe.DefaultDockerCLIVersion
	DefaultStage             = StageDeployment
)

// The kinds of Harness stage the pipeline can build in (harness.stage).
const (
	// StageDeployment is a CD Deployment stage; Harness asks for a service
	// and an environment when it runs.
	StageDeployment = "deployment"
	// StageCustom is a Custom stage, which needs neither.
	StageCustom = "custom"
)

// Value is a value of matrix.yaml with the position it was written at. Set
// is false when the key was absent and V holds the default.
type Value[T any] struct {
	V   T
	Pos Pos
	Set bool
}

// File is a loaded matrix.yaml.
type File struct {
	// Path is the file as the user named it; positions refer to it.
	Path       string
	Version    Value[int]
	Plugin     Plugin
	TargetRepo Value[string]
	Serverless []Value[string]
	Pairs      []Pair
	Policy     map[string]Value[Severity]
	Harness    Harness
	Build      Build
}

// Plugin is the Harness serverless plugin the images are built around.
type Plugin struct {
	// Version is the plugin version, part of every image tag.
	Version Value[string]
	// BaseImage is the Harness image the plugin binary and scripts are
	// copied from: a reference like a pair's (registry, oci:, oci-archive:,
	// docker-archive:).
	BaseImage Image
}

// Pair is one runtime image and the Node.js image copied into it.
type Pair struct {
	// Pos is where the pair's entry starts in the pairs list.
	Pos Pos
	// ID names the pair and its images; derived from the runtime repository
	// (build-python3.12 → python3.12) unless set.
	ID      Value[string]
	Runtime Image
	NodeJS  Image
}

// Image is an image reference of matrix.yaml: a pair's or the plugin's.
type Image struct {
	Value[string]
	// Ref is the parsed reference; valid when the file had no error at this value.
	Ref imageref.Reference
}

// Harness holds the identifiers and sizing of the generated pipeline.
type Harness struct {
	Project         Value[string]
	Org             Value[string]
	Pipeline        Value[string]
	K8sConnector    Value[string]
	DockerConnector Value[string]
	Namespace       Value[string]
	MaxConcurrency  Value[int]
	DockerUsername  Value[string]
	DockerPassword  Value[string]
	// Stage is the kind of stage the builds run in: StageDeployment or
	// StageCustom.
	Stage Value[string]
}

// Build holds the versions (and optional checksums) of what the generated
// Dockerfiles download.
type Build struct {
	GoTemplate Download
	DockerCLI  Download
}

// Download is a versioned download, verified by SHA256 when one is given.
type Download struct {
	Version Value[string]
	SHA256  Value[string]
}

// Severity returns the severity of a rule for this file: the policy's if it
// names the rule, else the rule's default.
func (f *File) Severity(rule string) Severity {
	if v, ok := f.Policy[rule]; ok {
		return v.V
	}
	r, _ := LookupRule(rule)
	return r.Default
}

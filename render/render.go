package render

import (
	"fmt"
	"path"
	"slices"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/recipe"
	"github.com/sammatrix/sammatrix/render/dockerfile"
	"github.com/sammatrix/sammatrix/render/harness"
)

// PipelineFile is the name of the pipeline among the generated files.
const PipelineFile = "pipeline.yaml"

// DockerfileOf returns the name of a pair's Dockerfile among the generated
// files: <pair-id>/Dockerfile.
func DockerfileOf(pairID string) string { return path.Join(pairID, "Dockerfile") }

// Files are generated files by their slash-separated path relative to the
// output directory.
type Files map[string][]byte

// Names returns the paths of the files, sorted.
func (fs Files) Names() []string {
	names := make([]string, 0, len(fs))
	for n := range fs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Generate builds, in memory, one Dockerfile per pair of f and the pipeline
// that builds them all. pins gives, for every image reference of f as
// written (runtime, Node.js and plugin base image), the reference and
// digest its FROM line pins. forced lists, by pair id, the error findings a
// forced render overrode; they are marked in the pair's Dockerfile.
func Generate(f *matrix.File, pins map[string]dockerfile.Image, forced map[string][]string) (Files, error) {
	r := recipe.New(recipe.Options{GoTemplateVersion: f.Build.GoTemplate.Version.V})
	out := Files{}
	var pairs []harness.Pair
	for _, p := range f.Pairs {
		images := map[recipe.Role]dockerfile.Image{}
		for role, ref := range map[recipe.Role]string{
			recipe.Runtime: p.Runtime.V, recipe.NodeJS: p.NodeJS.V, recipe.Plugin: f.Plugin.BaseImage.V,
		} {
			pin, ok := pins[ref]
			if !ok {
				return nil, fmt.Errorf("rendering pair %q: no digest for the %s image %q", p.ID.V, role, ref)
			}
			images[role] = pin
		}
		var serverless []string
		for _, s := range f.Serverless {
			serverless = append(serverless, s.V)
		}
		df, err := dockerfile.Render(dockerfile.Build{
			Recipe:        r,
			Images:        images,
			Serverless:    serverless,
			DockerCLI:     dockerfile.Download{Version: f.Build.DockerCLI.Version.V, SHA256: f.Build.DockerCLI.SHA256.V},
			GoTemplate:    dockerfile.Download{Version: f.Build.GoTemplate.Version.V, SHA256: f.Build.GoTemplate.SHA256.V},
			PluginVersion: f.Plugin.Version.V,
			Title:         p.ID.V,
			Forced:        forced[p.ID.V],
		})
		if err != nil {
			return nil, err
		}
		out[DockerfileOf(p.ID.V)] = df
		pairs = append(pairs, harness.NewPair(f, p, df))
	}
	pipeline, err := harness.Pipeline(f, pairs)
	if err != nil {
		return nil, fmt.Errorf("rendering the pipeline: %w", err)
	}
	out[PipelineFile] = pipeline
	return out, nil
}

package reader

import (
	"context"
	"errors"
	"fmt"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// ListTags returns the tags of a registry repository, such as
// public.ecr.aws/sam/build-python3.12, as the registry lists them. It goes
// through the same mirrors, insecure registries, credentials, retries and
// timeouts as reading an image. A repository the registry does not know
// gives an error wrapping inspect.ErrNotFound.
func (in *Inspector) ListTags(ctx context.Context, repository string) ([]string, error) {
	// Mirrors and insecure registries apply to references; any tag makes
	// one of the repository, and only its repository is used.
	ref, err := imageref.Parse(repository + ":latest")
	if err != nil || ref.Transport != imageref.Registry {
		return nil, fmt.Errorf("listing tags of %q: not a registry repository", repository)
	}
	src, ok := in.sources[imageref.Registry].(*registrySource)
	if !ok {
		return nil, fmt.Errorf("listing tags of %q: no registry source", repository)
	}
	n, err := src.registryRef(ref)
	if err != nil {
		return nil, err
	}
	repo := n.Context()
	puller, err := src.remote()
	if err != nil {
		return nil, err
	}
	tags, err := puller.List(ctx, repo)
	if err != nil {
		err = classifyRegistry(repo.RegistryStr(), repository, err)
		if errors.Is(err, inspect.ErrNotFound) {
			return nil, fmt.Errorf("listing tags of %q: %w (the registry knows no such repository)", repository, inspect.ErrNotFound)
		}
		return nil, fmt.Errorf("listing tags of %q: %w", repository, err)
	}
	return tags, nil
}

// Command regfloor asks a registry what a warm validate of its images must
// ask it, and nothing more: one ping (GET /v2/), then the manifest of every
// image, all at once, with Go's own HTTP client, in a fresh process. It
// reads no cache, judges nothing and prints nothing: the floor a warm
// `sammatrix validate` of images on that registry cannot beat on the same
// machine.
//
//	go run ./bench/regfloor [-insecure] HOST/REPOSITORY:TAG...
//
// Every image must be on the same registry and named by a tag or a digest.
// -insecure speaks plain HTTP, as sammatrix does for an --insecure-registry;
// without it, HTTPS. It sends the Accept header go-containerregistry sends
// for a manifest and fails unless every answer is a 200.
//
// Exit codes: 0 every manifest read, 1 an error, 2 a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// accept is the Accept header of go-containerregistry's manifest requests.
const accept = "application/vnd.docker.distribution.manifest.v1+json," +
	"application/vnd.docker.distribution.manifest.v1+prettyjws," +
	"application/vnd.docker.distribution.manifest.v2+json," +
	"application/vnd.oci.image.manifest.v1+json," +
	"application/vnd.docker.distribution.manifest.list.v2+json," +
	"application/vnd.oci.image.index.v1+json"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("regfloor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	insecure := fs.Bool("insecure", false, "speak plain HTTP to the registry")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: regfloor [-insecure] HOST/REPOSITORY:TAG...")
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	scheme := "https"
	if *insecure {
		scheme = "http"
	}
	host, paths, err := manifestPaths(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "regfloor:", err)
		return exitUsage
	}
	base := scheme + "://" + host
	if err := get(base+"/v2/", ""); err != nil {
		fmt.Fprintln(stderr, "regfloor:", err)
		return exitError
	}
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() { errs[i] = get(base+p, accept) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(stderr, "regfloor:", err)
		return exitError
	}
	return exitOK
}

// manifestPaths splits image references into their registry, which must be
// the same for all, and the paths of their manifests.
func manifestPaths(refs []string) (host string, paths []string, err error) {
	for _, ref := range refs {
		h, repo, ok := strings.Cut(ref, "/")
		// A registry's name has a dot or a port, or is localhost.
		if !ok || repo == "" || !strings.ContainsAny(h, ".:") && h != "localhost" {
			return "", nil, fmt.Errorf("%q: want HOST/REPOSITORY:TAG or HOST/REPOSITORY@DIGEST", ref)
		}
		if host != "" && h != host {
			return "", nil, fmt.Errorf("%q is not on %s: every image must be on one registry", ref, host)
		}
		host = h
		var id string
		if i := strings.LastIndex(repo, "@"); i >= 0 {
			repo, id = repo[:i], repo[i+1:]
		} else if i := strings.LastIndex(repo, ":"); i >= 0 {
			repo, id = repo[:i], repo[i+1:]
		}
		if repo == "" || id == "" {
			return "", nil, fmt.Errorf("%q: want HOST/REPOSITORY:TAG or HOST/REPOSITORY@DIGEST", ref)
		}
		paths = append(paths, "/v2/"+repo+"/manifests/"+id)
	}
	return host, paths, nil
}

// get reads url to its end and fails unless the answer is a 200.
func get(url, accept string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// Package harness renders the Harness CD pipeline (YAML v0) that builds and
// pushes the images of every pair of a matrix on the user's Kubernetes
// cluster.
//
// The pipeline has one stage, a Deployment stage or, with harness.stage:
// custom, a Custom stage. The stage holds one containerized step group that
// runs on the cluster (KubernetesDirect): a Docker-in-Docker background step,
// privileged on its own spec, and a Run step that waits for the daemon, logs
// in with --password-stdin from Harness secrets, writes the pair's
// Dockerfile, builds and pushes its base and Serverless images and exports
// their digests as output variables.
//
// The pairs fan out through a matrix strategy on that step group rather than
// one step group per pair in a parallel block, because only a matrix honours
// harness.max-concurrency: parallel step groups all start at once, each with
// its own privileged pod, whatever the cluster can hold. The price is that
// the Run step carries every pair's Dockerfile and picks its own by the
// matrix value.
//
// The YAML is built from a typed model of the subset of Harness v0 it uses
// (model.go) and marshalled with yaml.v3, so every value is quoted as YAML
// needs and the output is the same for the same input.
package harness

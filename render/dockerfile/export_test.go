package dockerfile

// ParseDockerfile parses and lints a Dockerfile as BuildKit does, for the
// package's external tests.
var ParseDockerfile = parseDockerfile

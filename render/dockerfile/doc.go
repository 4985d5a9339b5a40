// Package dockerfile writes the Dockerfile of a pair from the build recipe
// of package recipe: the recipe's stages, each FROM pinned by digest, its
// COPY --from and ENV lines in the recipe's order, the downloads of the
// docker CLI and go-template (checked against their SHA-256 when one is
// given), OCI labels, and one target per Serverless Framework version on
// top of the base target. The output depends on its input alone, byte for
// byte. It is a sink: it renders into memory and never writes a file.
package dockerfile

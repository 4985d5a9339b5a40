// Package render writes what sammatrix generates from matrix.yaml: one
// Dockerfile per pair (package dockerfile prints the build recipe) and the
// Harness pipeline that builds them all (package harness). Generate builds
// every file in memory; Write puts them in place only when all of them
// were made, and Compare tells what differs from an existing output.
// Package report, beside them, writes findings and verdicts.
package render

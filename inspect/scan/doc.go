// Package scan reads one container image layer in a single streaming pass and
// keeps what sammatrix needs to know about it: an index of the entries of
// interest (links, whiteouts, opaque markers, the /var/lang and /opt trees,
// small configuration files, shared libraries, ELF and rpm facts).
//
// Every layer is treated as hostile input: entry names that escape the layer
// root are ignored, nothing is ever written to disk under a name taken from the
// archive, memory stays bounded whatever the size of the files, and a blob that
// is truncated or does not match its digest is an error, never a silent pass.
//
// A layer.Index depends on the layer alone (not on the layers below or above it),
// so it can be cached by layer digest together with AnalyzerVersion.
package scan

// Package inspect is what sammatrix knows of a container image: the
// inspected Image (reference, digest, platform, config, layers and the merged
// view of its files) and the Facts derived from it (platform, os-release,
// libstdc++, glibc, rpm packages, node and the trees under /var/lang and
// /opt).
//
// It holds no image reader: package reader fetches and scans images into
// these types, and the rules of package matrix judge them. Keeping the two
// apart lets matrix.yaml be loaded and linted without the registry client,
// the decompressors or the rpm database readers.
package inspect

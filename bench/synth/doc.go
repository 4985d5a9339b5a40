// Package synth writes a large synthetic container image for benchmarks: an
// OCI image layout of gzip layers whose files are laid out like a SAM build
// image's (shared libraries in /usr/lib64 and /var/lang/lib, programs, Python
// sources, headers) and whose contents compress like real layers do.
//
// The contents come from the real ELF files of the machine the generator
// runs on (DefaultSources, and always the running program itself): a
// library or program of the image is a whole real ELF file followed by a
// lightly mutated tail, so that every file is distinct while its ELF headers,
// dynamic section and symbol versions stay readable; a text file is a lightly
// mutated run of the printable strings of those files. Layers compress about
// 2.5–4× with gzip, as binaries do, unlike zeros or random bytes. For a given
// machine, seed and size the image is the same on every run.
package synth

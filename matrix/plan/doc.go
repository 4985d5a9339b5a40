// Package plan answers which runtime and Node.js images go together: the
// compatibility grid of every runtime × Node.js image, judged by exactly the
// rules of validate (one matrix.Validate over all the combinations, so each
// image is read once); the suggested pair for each runtime; the newest
// complete tags a pair of matrix.yaml can move to and stay compatible; and
// edits of matrix.yaml that change only the values they must, byte for
// byte.
//
// The package reads images through matrix.ImageReader and lists tags
// through TagLister; it prints nothing.
package plan

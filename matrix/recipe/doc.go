// Package recipe is the build of a pair, as data: the images it starts from,
// what it copies from one into another and the environment it sets. It is
// the one place that says what the generated Dockerfile does. The build
// simulation of package matrix walks it, the Dockerfile renderer prints it,
// and the layer scanner keeps the places it copies. It is a leaf package.
package recipe

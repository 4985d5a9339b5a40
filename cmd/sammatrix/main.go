// Command sammatrix keeps a matrix of AWS SAM build-image pairs honest: it
// checks that a runtime image and the Node.js image copied into it work
// together, without running a container.
package main

import (
	"os"

	"github.com/sammatrix/sammatrix/cmd/sammatrix/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}

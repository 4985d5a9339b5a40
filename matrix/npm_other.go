//go:build !unix

package matrix

import "os/exec"

// killGroup leaves cmd's cancellation as it is: it kills npm alone.
func killGroup(*exec.Cmd) {}

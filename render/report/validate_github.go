package report

import (
	"bytes"
	"fmt"
	"io"

	"github.com/sammatrix/sammatrix/matrix"
)

// WriteValidateGitHub writes the result of validate as GitHub Actions
// workflow commands: one annotation per finding, on the finding's line of
// matrix.yaml (a pair rule's finding points at the pair), one ::notice
// per skipped check and one ::warning per warning of the images read.
func WriteValidateGitHub(w io.Writer, r *matrix.Report) error {
	return writeOnce(w, "GitHub workflow commands", func(b *bytes.Buffer) error {
		for _, f := range r.Findings() {
			fmt.Fprintln(b, githubCommand(f))
		}
		for _, s := range r.Skipped {
			fmt.Fprintf(b, "::notice title=%s::%s\n", escapeProperty("skipped check"), escapeData(s))
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(b, "::warning title=%s::%s\n", escapeProperty("image read with warnings"), escapeData(w))
		}
		return nil
	})
}

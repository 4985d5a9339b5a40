package report

import (
	"bytes"
	"fmt"
	"io"

	"github.com/sammatrix/sammatrix/matrix"
)

// WriteValidateGitHub writes the result of validate as GitHub Actions
// workflow commands: one annotation per finding, on the finding's line of
// matrix.yaml (a pair rule's finding points at the pair), and one ::notice
// per skipped check.
func WriteValidateGitHub(w io.Writer, r *matrix.Report) error {
	var b bytes.Buffer
	for _, f := range r.Findings() {
		fmt.Fprintln(&b, GitHubCommand(f))
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "::notice title=%s::%s\n", escapeProperty("skipped check"), escapeData(s))
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing GitHub workflow commands: %w", err)
	}
	return nil
}

package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/matrix"
)

func TestWriteValidateGitHub(t *testing.T) {
	awkward := &matrix.Report{
		File: "ci/matrix,v1.yaml",
		Pairs: []matrix.PairResult{{
			Pair:    pair("python3.9", 7, py39Runtime, py39NodeJS),
			Verdict: matrix.Incompatible,
			Findings: []matrix.Finding{{
				Pos: matrix.Pos{File: "./ci/matrix,v1.yaml", Line: 7, Col: 5}, Rule: matrix.RuleABILibraryMissing, Severity: matrix.Error,
				Message: "node needs libatomic.so.1: not found\nsearched: /lib64, /usr/lib64 (100% of the path)\r",
			}},
		}},
		Skipped: []string{"serverless-engine: 50% done,\nthen stopped"},
	}
	for _, tt := range []struct {
		name   string
		report *matrix.Report
		want   []string
	}{
		{
			name: "two pairs", report: testReport(),
			want: []string{
				"::error file=matrix.yaml,line=12,col=5,title=abi-version-missing::node needs GLIBCXX_3.4.26 from libstdc++.so.6; /usr/lib64/libstdc++.so.6.0.24 defines up to GLIBCXX_3.4.24",
				"::error file=matrix.yaml,line=12,col=5,title=libstdcxx-mismatch::the runtime image has libstdc++.so.6.0.24, the Node.js image libstdc++.so.6.0.33",
				`::warning file=matrix.yaml,line=12,col=5,title=os-mismatch::the runtime image runs amzn 2, the Node.js image amzn 2023 | "Amazon Linux 2023"`,
				"::notice title=skipped check::" + skippedNote,
			},
		},
		{
			name: "escaping", report: awkward,
			want: []string{
				"::error file=ci/matrix%2Cv1.yaml,line=7,col=5,title=abi-library-missing::node needs libatomic.so.1: not found%0Asearched: /lib64, /usr/lib64 (100%25 of the path)%0D",
				"::notice title=skipped check::serverless-engine: 50%25 done,%0Athen stopped",
			},
		},
		{name: "nothing to say", report: emptyReport()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteValidateGitHub(&b, tt.report); err != nil {
				t.Fatalf("WriteValidateGitHub(...) = %v, want nil", err)
			}
			got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			if b.Len() == 0 {
				got = nil
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("WriteValidateGitHub(...) = \n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

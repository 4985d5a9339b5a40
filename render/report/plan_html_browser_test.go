package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/reader"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

// planScreenshot is the screenshot of the page that the README shows.
// UPDATE_GOLDEN=1 go test ./render/report -run TestPlanHTMLInChromium
// rewrites it.
var planScreenshot = filepath.Join("..", "..", "docs", "plan-grid.png")

// The size of the browser's viewport, which is the size of the README's
// screenshot.
const (
	viewportWidth  = 1280
	viewportHeight = 860
)

// chromium returns the path of Debian's chromium, and skips the test when
// there is none, except in CI, where it must be there.
func chromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and chromium is not on PATH: %v", err)
		}
		t.Skipf("chromium is not on PATH, so the plan page is not checked in a browser (apt-get install chromium): %v", err)
	}
	return path
}

// fixtureGrid plans the fixture images pushed to an in-process registry:
// four runtimes (java21 under two tags) against nodejs18.x, nodejs20.x and
// two tags of nodejs22.x, with the pairs of a matrix file marked.
func fixtureGrid(t *testing.T) *plan.Grid {
	t.Helper()
	host, stop, err := fixture.StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if err := fixture.PushAll(host, fixture.Inputs()); err != nil {
		t.Fatal(err)
	}
	in, err := reader.New(reader.Options{
		// The plugin image of the matrix file is served by the same
		// registry, as PushAll pushes it.
		Mirrors:  []reader.Mirror{{From: "public.ecr.aws", To: host}, {From: "index.docker.io", To: host}},
		Insecure: []string{host},
	})
	if err != nil {
		t.Fatal(err)
	}
	const file = `version: 1
plugin:
  version: 1.1.2
  base-image: harness/serverless-plugin:1.1.0-beta-base-image
target-repo: docker.io/acme/serverless-plugin
serverless: ["3.39.0"]
pairs:
  - runtime: public.ecr.aws/sam/build-python3.11:1.120.0-20240626164127-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs18.x:1.120.0-20240626164104-x86_64
  - runtime: public.ecr.aws/sam/build-python3.12:1.120.0-20240626164131-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs22.x:1.140.0-20250605234713-x86_64
  - runtime: public.ecr.aws/sam/build-java21:1.140.0-20250605234711-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs22.x:1.140.0-20250605234713-x86_64
`
	base, findings := matrix.Parse("matrix.yaml", []byte(file))
	if base == nil || matrix.HasErrors(findings) {
		t.Fatalf("matrix.Parse(...) = %v, want a valid matrix", findings)
	}
	ctx := context.Background()
	repos := func(names ...string) []string {
		for i, n := range names {
			names[i] = "public.ecr.aws/sam/build-" + n
		}
		return names
	}
	rts, err := plan.Expand(ctx, in, repos("python3.11", "java17", "python3.12", "java21"), 2, "")
	if err != nil {
		t.Fatal(err)
	}
	njs, err := plan.Expand(ctx, in, repos("nodejs18.x", "nodejs20.x", "nodejs22.x"), 2, "")
	if err != nil {
		t.Fatal(err)
	}
	g, err := plan.Evaluate(ctx, base, rts, njs, in, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// browserLog records what the page must not do: ask for anything but
// itself, throw, or log an error (a refused inline script or style is one).
type browserLog struct {
	mu       sync.Mutex
	page     string
	problems []string
}

func (l *browserLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if e.Request.URL != l.page {
			l.problems = append(l.problems, "request for "+e.Request.URL)
		}
	case *runtime.EventExceptionThrown:
		l.problems = append(l.problems, fmt.Sprintf("exception at line %d: %s", e.ExceptionDetails.LineNumber, e.ExceptionDetails.Text))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
			l.problems = append(l.problems, fmt.Sprintf("console.%s", e.Type))
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
			l.problems = append(l.problems, "log: "+e.Entry.Text)
		}
	}
}

func (l *browserLog) check(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.problems {
		t.Errorf("the page in Chromium: %s", p)
	}
}

// cellState is what the page shows of a cell.
type cellState struct {
	Runtime, NodeJS string
	Class           string
	Text            string
	PopShown        bool
	PopText         string
	Expanded        string
}

// cellsJS reads every cell of the grid, in document order.
const cellsJS = `Array.from(document.querySelectorAll("table.grid td.cell")).map(function (td) {
	var pop = td.querySelector(".pop");
	var r = pop.getBoundingClientRect();
	return {
		Runtime: td.dataset.runtime, NodeJS: td.dataset.nodejs, Class: td.className,
		Text: td.querySelector("button").innerText.trim(),
		PopShown: getComputedStyle(pop).display !== "none" && r.width > 0 && r.height > 0,
		PopText: pop.innerText,
		Expanded: td.querySelector("button").getAttribute("aria-expanded"),
	};
})`

// TestPlanHTMLInChromium opens the page of a grid of fixture images in
// headless Chromium: it must ask for nothing but itself, have exactly one
// cell per combination with its verdict and mark, show a ✗ cell's finding
// and evidence on hover and, until the next click or Escape, on click, and
// print without pop-ups but with every finding listed. It takes the
// screenshot the README shows with a cell's findings open, and rewrites it
// in docs/ with UPDATE_GOLDEN=1.
func TestPlanHTMLInChromium(t *testing.T) {
	exe := chromium(t)
	g := fixtureGrid(t)
	var page bytes.Buffer
	if err := WritePlanHTML(&page, g); err != nil {
		t.Fatalf("WritePlanHTML(...) = %v, want nil", err)
	}
	file := filepath.Join(t.TempDir(), "plan.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pageURL := (&url.URL{Scheme: "file", Path: file}).String()

	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(viewportWidth, viewportHeight),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	blog := &browserLog{page: pageURL}
	if err := chromedp.Listen(ctx, blog.listen); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(viewportWidth, viewportHeight),
		chromedp.Navigate(pageURL),
	); err != nil {
		t.Fatalf("opening the plan page in Chromium: %v", err)
	}
	cells := func() []cellState {
		t.Helper()
		cs, err := chromedp.Run(ctx, chromedp.Evaluate[[]cellState](cellsJS))
		if err != nil {
			t.Fatalf("reading the cells: %v", err)
		}
		return cs
	}
	shown := func(cs []cellState) []string {
		var out []string
		for _, c := range cs {
			if c.PopShown {
				out = append(out, c.Runtime+" + "+c.NodeJS)
			}
		}
		return out
	}
	moveAway := chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 2, 2)

	// Exactly one cell per combination, with its verdict and mark.
	cs := cells()
	if want := len(g.Runtimes) * len(g.NodeJS); len(cs) != want || want < 12 {
		t.Fatalf("the page has %d cells, want %d (%d runtimes × %d Node.js images)", len(cs), want, len(g.Runtimes), len(g.NodeJS))
	}
	var target, hover *plan.Cell // two ✗ cells, the first in the top rows
	current := 0
	for i := range g.Runtimes {
		for j, c := range g.Cells[i] {
			got := cs[i*len(g.NodeJS)+j]
			if got.Runtime != c.Runtime.Name || got.NodeJS != c.NodeJS.Name {
				t.Errorf("cell %d,%d is %s + %s, want %s + %s", i, j, got.Runtime, got.NodeJS, c.Runtime.Name, c.NodeJS.Name)
			}
			wantMark, wantClass := "✓", "ok"
			if !c.Compatible() {
				wantMark, wantClass = "✗ "+c.FirstError().Rule, "bad"
			}
			if !strings.HasPrefix(got.Text, wantMark) || !strings.Contains(" "+got.Class+" ", " "+wantClass+" ") {
				t.Errorf("cell %s + %s shows %q with class %q, want %q and %q", c.Runtime.Short(), c.NodeJS.Short(), got.Text, got.Class, wantMark, wantClass)
			}
			if marked := strings.Contains(got.Class, "current") && strings.HasSuffix(got.Text, "★"); marked != isCurrent(g, c) {
				t.Errorf("cell %s + %s marked as a pair of the matrix file: %v, want %v", c.Runtime.Short(), c.NodeJS.Short(), marked, isCurrent(g, c))
			} else if marked {
				current++
			}
			if got.PopShown {
				t.Errorf("cell %s + %s shows its findings before any click", c.Runtime.Short(), c.NodeJS.Short())
			}
			if !c.Compatible() && c.FirstError().Evidence != nil {
				switch {
				case target == nil && j > 0 && i < 2:
					target = &g.Cells[i][j]
				case hover == nil && target != nil && i >= 2:
					hover = &g.Cells[i][j]
				}
			}
		}
	}
	if current != len(g.Current) {
		t.Errorf("the page marks %d cells as pairs of the matrix file, want %d", current, len(g.Current))
	}
	if target == nil || hover == nil {
		t.Fatalf("the fixture grid has no two ✗ cells with evidence to click and hover")
	}
	f := target.FirstError()
	wantText := []string{f.Rule, f.Message, f.Evidence.Expected, f.Evidence.Found, f.Evidence.Image, f.Evidence.Path}
	sel := fmt.Sprintf(`td.cell[data-runtime=%q][data-nodejs=%q]`, target.Runtime.Name, target.NodeJS.Name)

	// Hovering shows a cell's findings, and only while the mouse is there.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ X, Y float64 }](fmt.Sprintf(
		`(function () { var r = document.querySelector(%q).getBoundingClientRect(); return {X: r.x + r.width / 2, Y: r.y + r.height / 2}; })()`,
		fmt.Sprintf(`td.cell[data-runtime=%q][data-nodejs=%q]`, hover.Runtime.Name, hover.NodeJS.Name))))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box.X, box.Y)); err != nil {
		t.Fatal(err)
	}
	if got, want := shown(cells()), hover.Runtime.Name+" + "+hover.NodeJS.Name; len(got) != 1 || got[0] != want {
		t.Errorf("hovering %s shows the findings of %q, want those of %q alone", want, got, want)
	}
	if err := chromedp.Do(ctx, moveAway); err != nil {
		t.Fatal(err)
	}
	if got := shown(cells()); len(got) != 0 {
		t.Errorf("after the mouse left, the page shows the findings of %q, want none", got)
	}

	// A click keeps them open after the mouse leaves.
	if err := chromedp.Do(ctx, chromedp.Click(sel+" > button"), moveAway); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
	cs = cells()
	if got, want := shown(cs), target.Runtime.Name+" + "+target.NodeJS.Name; len(got) != 1 || got[0] != want {
		t.Fatalf("after a click on %s, the page shows the findings of %q, want those of %q alone", want, got, want)
	}
	for _, c := range cs {
		if c.PopShown {
			for _, w := range wantText {
				if !strings.Contains(c.PopText, w) {
					t.Errorf("the clicked cell's findings read\n%s\nwant them to contain %q", c.PopText, w)
				}
			}
			if c.Expanded != "true" {
				t.Errorf("the clicked cell's button has aria-expanded=%q, want \"true\"", c.Expanded)
			}
		}
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("taking a screenshot: %v", err)
	}
	if c, err := png.DecodeConfig(bytes.NewReader(shot)); err != nil || c.Width != viewportWidth || c.Height != viewportHeight {
		t.Errorf("the screenshot is %d×%d (%v), want a %d×%d PNG image", c.Width, c.Height, err, viewportWidth, viewportHeight)
	}
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(planScreenshot, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Escape closes them; so does a second click.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if got := shown(cells()); len(got) != 0 {
		t.Errorf("after Escape, the page shows the findings of %q, want none", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(sel+" > button"), chromedp.Click(sel+" > button"), moveAway); err != nil {
		t.Fatal(err)
	}
	if got := shown(cells()); len(got) != 0 {
		t.Errorf("after a second click, the page shows the findings of %q, want none", got)
	}

	// In print, no pop-up, even a clicked one, and the list of findings
	// below the grid holds the finding.
	printMedia := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})
	if err := chromedp.Do(ctx, chromedp.Click(sel+" > button"), printMedia); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	printed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("section.findings").innerText`))
	if err != nil {
		t.Fatalf("reading the printed findings: %v", err)
	}
	if got := shown(cells()); len(got) != 0 {
		t.Errorf("in print, the page shows the pop-up findings of %q, want none", got)
	}
	for _, w := range wantText {
		if !strings.Contains(printed, w) {
			t.Errorf("in print, the list of findings reads\n%s\nwant it to contain %q", printed, w)
		}
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("printing the page to PDF = %d bytes, %v; want a PDF document", len(pdf), err)
	}
	blog.check(t)
}

package reader

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"
)

// TimeoutError is a registry request that waited longer than the timeout
// for a connection, a TLS handshake, response headers or, once the
// response has started, the next bytes of its body.
type TimeoutError struct {
	Host  string        // host[:port] the request went to
	Wait  string        // what did not come: "connection", "TLS handshake", "response headers" or "data"
	After time.Duration // the timeout
}

func (e *TimeoutError) Error() string {
	if e.Wait == "data" {
		return fmt.Sprintf("the response stalled: no data for %s", e.After)
	}
	return fmt.Sprintf("no %s within %s", e.Wait, e.After)
}

// Timeout reports true, as net.Error timeouts do. There is deliberately no
// Temporary method: go-containerregistry retries temporary errors, and
// retrying a silent registry multiplies the wait.
func (e *TimeoutError) Timeout() bool { return true }

// timeouts collects every *TimeoutError of an error tree through errors.As,
// including from errors whose As method stops at the first match
// (go-containerregistry joins its https and http pings so): each
// TimeoutError adds itself and reports no match, so the search goes on.
type timeouts struct{ all []*TimeoutError }

func (*timeouts) Error() string { return "timeouts" }

// As adds e to a *timeouts target; it never reports a match.
func (e *TimeoutError) As(target any) bool {
	if c, ok := target.(**timeouts); ok && *c != nil {
		(*c).all = append((*c).all, e)
	}
	return false
}

// lastTimeout returns the last *TimeoutError in err's tree: of a registry
// pinged over https and then http, the one of http.
func lastTimeout(err error) *TimeoutError {
	c := &timeouts{}
	errors.As(err, &c)
	if len(c.all) == 0 {
		return nil
	}
	return c.all[len(c.all)-1]
}

// timeoutTransport bounds each wait of a request on base: for the
// connection, the TLS handshake, the response headers, and each read of
// the body. A body that keeps coming, however slowly, is never cut off.
type timeoutTransport struct {
	base    http.RoundTripper
	timeout time.Duration
}

var _ http.RoundTripper = (*timeoutTransport)(nil)

// newTimeoutTransport wraps base, or a copy of http.DefaultTransport when
// base is nil, in timeoutTransport.
func newTimeoutTransport(base http.RoundTripper, timeout time.Duration) *timeoutTransport {
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// The watchdog names what timed out, so the transport's own
		// limits only stop what it leaves behind (a dial that goes on
		// in the background after the request gave up).
		t.DialContext = (&net.Dialer{Timeout: 2 * timeout, KeepAlive: 30 * time.Second}).DialContext
		t.TLSHandshakeTimeout = 2 * timeout
		base = t
	}
	return &timeoutTransport{base: base, timeout: timeout}
}

func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &watchdog{host: req.URL.Host, after: t.timeout, cancel: cancel}
	w.arm("connection")
	trace := &httptrace.ClientTrace{
		TLSHandshakeStart: func() { w.armBeforeResponse("TLS handshake") },
		GotConn:           func(httptrace.GotConnInfo) { w.armBeforeResponse("response headers") },
	}
	resp, err := t.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	w.responded()
	if err != nil {
		cancel(nil)
		if te := w.timedOut(); te != nil {
			return nil, te
		}
		return nil, err
	}
	resp.Body = &stallReader{body: resp.Body, w: w}
	return resp, nil
}

// watchdog cancels a request when what it waits for does not come in
// time, and remembers what that was.
type watchdog struct {
	host   string
	after  time.Duration
	cancel context.CancelCauseFunc

	mu        sync.Mutex
	timer     *time.Timer
	gen       int // counts arms, so that a stale timer does nothing
	answered  bool
	fired     *TimeoutError
	waitingOn string
}

func (w *watchdog) arm(wait string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fired != nil {
		return
	}
	w.stopLocked()
	w.gen++
	gen := w.gen
	w.waitingOn = wait
	w.timer = time.AfterFunc(w.after, func() { w.fire(gen) })
}

// armBeforeResponse arms the watchdog for a step of connecting. A
// connection the transport keeps dialling after the response came (for
// its pool) no longer concerns this request.
func (w *watchdog) armBeforeResponse(wait string) {
	w.mu.Lock()
	answered := w.answered
	w.mu.Unlock()
	if !answered {
		w.arm(wait)
	}
}

func (w *watchdog) disarm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopLocked()
}

func (w *watchdog) stopLocked() {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.gen++
}

// responded marks the end of connecting: the response headers came, or the
// request failed.
func (w *watchdog) responded() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.answered = true
	w.stopLocked()
}

func (w *watchdog) fire(gen int) {
	w.mu.Lock()
	if gen != w.gen || w.fired != nil {
		w.mu.Unlock()
		return
	}
	w.fired = &TimeoutError{Host: w.host, Wait: w.waitingOn, After: w.after}
	err := w.fired
	w.mu.Unlock()
	w.cancel(err)
}

func (w *watchdog) timedOut() *TimeoutError {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fired
}

// stallReader fails a body read that gets no bytes within the timeout. The
// clock runs only while a read waits, so a caller that is slow to read
// never makes the body stall.
type stallReader struct {
	body io.ReadCloser
	w    *watchdog
}

func (r *stallReader) Read(p []byte) (int, error) {
	r.w.arm("data")
	n, err := r.body.Read(p)
	r.w.disarm()
	if err != nil && err != io.EOF {
		if te := r.w.timedOut(); te != nil {
			return n, te
		}
	}
	return n, err
}

func (r *stallReader) Close() error {
	r.w.disarm()
	err := r.body.Close()
	r.w.cancel(nil)
	return err
}

// pingCache answers every ping of a registry (GET /v2/, which
// go-containerregistry sends before the first request of each repository
// to learn how the registry authenticates) with the answer of the first:
// the answer is the registry's, the same for all its repositories. The
// images of one run, often a dozen repositories of one registry, then
// cost one ping instead of a dozen round trips. The https ping of a
// registry that speaks plain HTTP (an --insecure-registry, or a loopback
// one, which go-containerregistry tries over https first) fails with a TLS
// error that is kept the same way. A failed request goes to the pings that
// waited for it, as their own attempt would have; the next ping (a retry)
// asks again.
type pingCache struct {
	base  http.RoundTripper
	pings sync.Map // scheme://host[:port] -> *ping
}

var _ http.RoundTripper = (*pingCache)(nil)

// maxPingBody bounds the body of a ping answer kept for sharing; a
// registry's is "{}" or a short error.
const maxPingBody = 64 << 10

// ping is the answer to the first ping of a registry, once done is closed.
type ping struct {
	done   chan struct{}
	shared bool // whether the pings that waited take the answer below
	kept   bool // whether later pings take it too
	resp   *http.Response
	body   []byte
	err    error
}

func (t *pingCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.URL.Path != "/v2/" || req.URL.RawQuery != "" || req.Header.Get("Authorization") != "" {
		return t.base.RoundTrip(req)
	}
	key := req.URL.Scheme + "://" + req.URL.Host
	p := &ping{done: make(chan struct{})}
	if v, loaded := t.pings.LoadOrStore(key, p); loaded {
		first := v.(*ping)
		select {
		case <-first.done:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
		if !first.shared {
			return t.RoundTrip(req)
		}
		return first.answer(req)
	}
	resp, err := t.base.RoundTrip(req)
	p.keep(req, resp, err)
	if !p.kept {
		t.pings.CompareAndDelete(key, p)
	}
	close(p.done)
	if !p.shared {
		return resp, err
	}
	return p.answer(req)
}

// keep records the first answer, reading a response's body. Only the
// answers a ping expects (200, or 401 with the challenge) and the TLS
// error of a plain HTTP server are kept; any other failure goes to those
// who waited, unless it is the request's own context's; any other status,
// or a body too large to keep, goes whole to its caller only.
func (p *ping) keep(req *http.Request, resp *http.Response, err error) {
	if err != nil {
		rh := tls.RecordHeaderError{}
		p.err = err
		p.kept = errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/"
		p.shared = p.kept || req.Context().Err() == nil
		return
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnauthorized {
		// Not an answer of the registry's (a 5xx, a 429): each asks, and
		// retries, on its own.
		return
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxPingBody+1))
	if rerr != nil || len(body) > maxPingBody {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		return
	}
	resp.Body.Close()
	p.resp, p.body, p.shared, p.kept = resp, body, true, true
}

// answer returns a copy of the shared answer for req.
func (p *ping) answer(req *http.Request) (*http.Response, error) {
	if p.err != nil {
		return nil, p.err
	}
	r := *p.resp
	r.Header = p.resp.Header.Clone()
	r.Body = io.NopCloser(bytes.NewReader(p.body))
	r.ContentLength = int64(len(p.body))
	r.Request = req
	return &r, nil
}

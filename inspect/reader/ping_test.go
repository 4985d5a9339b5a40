package reader

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// pingServer serves GET /v2/ with the statuses given in turn (the last one
// from then on), counting connections and pings.
type pingServer struct {
	url         string
	conns, hits atomic.Int32
}

func startPingServer(t *testing.T, statuses ...int) *pingServer {
	t.Helper()
	p := &pingServer{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(p.hits.Add(1))
		status := statuses[min(n, len(statuses))-1]
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://auth.example/token",service="example"`)
		}
		w.WriteHeader(status)
		w.Write([]byte("{}"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			p.conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func pingOnce(t *testing.T, c *pingCache, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url+"/v2/", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.RoundTrip(req)
	if err == nil {
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr != nil || string(body) != "{}" {
			t.Errorf("ping body = %q, %v; want %q", body, rerr, "{}")
		}
	}
	return resp, err
}

// The challenge of a registry is asked for once and given to every ping,
// also to those that came while the first was on its way.
func TestPingCacheSharesTheChallenge(t *testing.T) {
	srv := startPingServer(t, http.StatusUnauthorized)
	c := &pingCache{base: http.DefaultTransport.(*http.Transport).Clone()}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, err := pingOnce(t, c, srv.url)
			if err != nil {
				t.Error(err)
				return
			}
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
				t.Errorf("ping = %d %q, want 401 with the Bearer challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	wg.Wait()
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("8 pings reached the registry %d times, want 1", n)
	}
}

// A ping answered with another status (a 503 the retries of
// go-containerregistry should see again) is not kept: the next asks anew.
func TestPingCacheKeepsNoServerError(t *testing.T) {
	srv := startPingServer(t, http.StatusServiceUnavailable, http.StatusOK)
	c := &pingCache{base: http.DefaultTransport.(*http.Transport).Clone()}
	if resp, err := pingOnce(t, c, srv.url); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("first ping = %v, %v; want a 503", resp, err)
	}
	for range 2 {
		if resp, err := pingOnce(t, c, srv.url); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("next ping = %v, %v; want a 200", resp, err)
		}
	}
	if n := srv.hits.Load(); n != 2 {
		t.Errorf("3 pings reached the registry %d times, want 2 (the 503, then one 200 kept)", n)
	}
}

// The https ping of a server that speaks plain HTTP fails once with a
// connection; later https pings get the same error without one.
func TestPingCacheKeepsThePlainHTTPError(t *testing.T) {
	srv := startPingServer(t, http.StatusOK)
	c := &pingCache{base: http.DefaultTransport.(*http.Transport).Clone()}
	https := "https://" + strings.TrimPrefix(srv.url, "http://")
	_, first := pingOnce(t, c, https)
	if first == nil {
		t.Fatal("https ping of a plain HTTP server succeeded")
	}
	_, again := pingOnce(t, c, https)
	if again != first {
		t.Errorf("second https ping = %v, want the first's error %v", again, first)
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("two https pings opened %d connections, want 1", n)
	}
	if _, err := pingOnce(t, c, srv.url); err != nil {
		t.Errorf("plain HTTP ping after the https one: %v", err)
	}
}

// A failed connection goes to the pings that waited, but is not kept.
func TestPingCacheKeepsNoConnectionError(t *testing.T) {
	host := closedPort(t)
	c := &pingCache{base: http.DefaultTransport.(*http.Transport).Clone()}
	if _, err := pingOnce(t, c, "http://"+host); err == nil {
		t.Fatal("ping of a closed port succeeded")
	}
	if _, ok := c.pings.Load("http://" + host); ok {
		t.Error("the failed ping was kept")
	}
}

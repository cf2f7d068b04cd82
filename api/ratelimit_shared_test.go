package api

import (
	"net"
	"testing"
	"time"
)

// TestLoginLimitsSharedByInstances: two API servers on one store (two
// instances behind nginx) count the same failed logins: ten guesses
// through one leave none for the other, while writes and other limits
// stay each instance's own.
func TestLoginLimitsSharedByInstances(t *testing.T) {
	ts := limitedServer(t)
	ts.MustUser(t, "target")
	other, err := New(ts.cfg, ts.svc)
	if err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	other.limits = newLimits(func() time.Time { return stopped }, other.cfg.ReadLimit, other.svc.Logins)
	other.hasher = ts.hasher
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go other.App().Listener(ln)
	t.Cleanup(func() { other.App().ShutdownWithTimeout(5 * time.Second) })
	second := &testServer{Server: other, URL: "http://" + ln.Addr().String(), DB: ts.DB}

	c := ts.client(t)
	for i := 0; i < 10; i++ {
		failLogin(c, "target").want(t, 401, "unauthenticated")
	}
	wantRetryAfter(t, failLogin(second.client(t), "target"))
	wantRetryAfter(t, failLogin(c, "target"))
}

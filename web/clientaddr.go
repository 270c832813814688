package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Per-client controls (the complaint and upload rate limits, sign-in
// throttling, the scope of Idempotency-Key) all need to know who the
// client is. Behind a reverse proxy the socket's peer is the proxy, so
// every visitor would share one bucket; a header anybody can send, on the
// other hand, must not let a visitor pick a bucket of their own. The
// answer is worked out once per request, here, and clientIP hands it to
// every control.

type clientKey struct{}

// clientNetKey holds the client's IPv6 /48 ("" for IPv4), for the
// evidence quota that one allocation of many /64s shares.
type clientNetKey struct{}

// identifyClient records the request's client bucket in its context for
// clientIP. It is part of the chain every request passes through.
func (s *Server) identifyClient(next http.Handler) http.Handler {
	var trusted []netip.Prefix
	if s.cfg != nil {
		trusted = s.cfg.TrustedProxies
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r, trusted)
		ctx := context.WithValue(r.Context(), clientKey{}, clientBucket(addr))
		ctx = context.WithValue(ctx, clientNetKey{}, clientNet48(addr))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// clientAddr is the client's address: the socket's peer, unless that peer
// is a trusted proxy, in which case X-Forwarded-For is walked from the
// right (the entry the nearest proxy added) past every trusted hop, and
// the first address not trusted is the client. Entries left of it were
// written by the client itself and are never believed. An entry that is
// not an address stops the walk at the hop that passed it on.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer, ok := parseHostAddr(r.RemoteAddr)
	if !ok {
		return netip.Addr{}
	}
	if !isTrusted(peer, trusted) {
		return peer
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHostAddr(hops[i])
		if !ok {
			return peer
		}
		peer = a
		if !isTrusted(a, trusted) {
			return a
		}
	}
	// Every hop was a proxy of ours: the leftmost is as near the client as
	// we can know.
	return peer
}

// forwardedFor lists the X-Forwarded-For entries of every such header, in
// order.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, f := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(f))
		}
	}
	return hops
}

// parseHostAddr reads "addr", "addr:port" or "[addr]:port", as found in
// RemoteAddr and in X-Forwarded-For. IPv4-mapped IPv6 addresses become
// IPv4 and zones are dropped, so one client has one spelling.
func parseHostAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		host, _, serr := net.SplitHostPort(s)
		if serr != nil {
			return netip.Addr{}, false
		}
		if a, err = netip.ParseAddr(host); err != nil {
			return netip.Addr{}, false
		}
	}
	return a.Unmap().WithZone(""), true
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientBucket is the key per-client controls count by: an IPv4 address
// as it is, an IPv6 address by its /64, because one home or phone is given
// a whole /64 and could otherwise take a fresh address for every request.
func clientBucket(a netip.Addr) string {
	switch {
	case !a.IsValid():
		return "unknown"
	case a.Is6():
		p, _ := a.Prefix(64)
		return p.String()
	default:
		return a.String()
	}
}

// clientNet48 is the /48 an IPv6 address belongs to, the usual size of
// one site's or one provider customer's allocation; "" for IPv4 and an
// unknown address.
func clientNet48(a netip.Addr) string {
	if !a.IsValid() || !a.Is6() {
		return ""
	}
	p, _ := a.Prefix(48)
	return p.String()
}

// clientNet is the request's IPv6 /48 as identifyClient found it, or ""
// for IPv4.
func clientNet(r *http.Request) string {
	if n, ok := r.Context().Value(clientNetKey{}).(string); ok {
		return n
	}
	return clientNet48(clientAddr(r, nil))
}

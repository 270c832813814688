package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestClientAddr covers the X-Forwarded-For walk on its own: which entry
// is believed, and which bucket a client falls in.
func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"no proxy", "198.51.100.7:5555", nil, "198.51.100.7"},
		{"spoofed header from an untrusted peer", "198.51.100.7:5555", []string{"203.0.113.1"}, "198.51.100.7"},
		{"trusted proxy", "10.0.0.2:443", []string{"203.0.113.1"}, "203.0.113.1"},
		{"client's own entries are ignored", "10.0.0.2:443", []string{"1.2.3.4, 203.0.113.1"}, "203.0.113.1"},
		{"chain of trusted proxies", "10.0.0.2:443", []string{"203.0.113.1, 10.9.9.9", "10.1.1.1"}, "203.0.113.1"},
		{"entry with a port", "10.0.0.2:443", []string{"203.0.113.1:4711"}, "203.0.113.1"},
		{"IPv6 entry with a port", "10.0.0.2:443", []string{"[2001:db8:1:2::5]:4711"}, "2001:db8:1:2::/64"},
		{"garbage stops at the proxy that passed it on", "10.0.0.2:443", []string{"203.0.113.1, nonsense"}, "10.0.0.2"},
		{"only proxies", "10.0.0.2:443", []string{"10.0.0.9"}, "10.0.0.9"},
		{"IPv4-mapped IPv6 peer", "[::ffff:198.51.100.7]:80", nil, "198.51.100.7"},
		{"IPv6 peer by /64", "[2001:db8:1:2:3:4:5:6]:80", nil, "2001:db8:1:2::/64"},
		{"trusted IPv6 proxy", "[2001:db8:ffff::1]:80", []string{"2001:db8:7:8::1"}, "2001:db8:7:8::/64"},
		{"unreadable peer", "@", nil, "unknown"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		assert.Equal(t, c.want, clientBucket(clientAddr(r, trusted)), c.name)
	}
}

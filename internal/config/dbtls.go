package config

import (
	"net"
	"net/url"
	"strings"

	"github.com/ikd-project/ikd/internal/errs"
)

// weakSSLModes are the sslmode values that do not make a connection
// encrypted and the server verified: disable and allow send in clear,
// prefer falls back to clear text without a word and never checks the
// certificate, require encrypts but accepts any server.
var weakSSLModes = map[string]string{
	"disable": "tanpa enkripsi / not encrypted",
	"allow":   "tanpa enkripsi kecuali server memaksa / not encrypted unless the server insists",
	"prefer":  "enkripsi tidak dijamin, sertifikat tidak diperiksa / encryption not guaranteed, certificate not checked",
	"require": "terenkripsi, tetapi identitas server tidak diperiksa / encrypted, but the server's identity is not checked",
}

// postgresTLS inspects a postgres:// setting that leaves the machine. It
// returns an error when the setting names a remote host and no sslmode
// (neither in the DSN nor in PGSSLMODE), and a warning, safe to log, when
// it names a remote host with a weak sslmode.
//
// Why refuse rather than only warn when sslmode is missing: the driver's
// default is "prefer", which silently falls back to clear text and never
// checks the server's certificate, so residents' personal data and the
// database password could cross the network in clear without anyone having
// decided so. A warning at startup is easy to miss for months; asking for
// one explicit word (sslmode=verify-full, or sslmode=disable on a network
// the operator trusts) is cheap. An explicit weak mode is the operator's
// decision, and is warned about at every start.
func postgresTLS(dsn string, getenv func(string) string) (warning string, err error) {
	u, perr := url.Parse(dsn)
	if perr != nil {
		return "", nil // the driver reports a malformed DSN, without echoing it
	}
	q := u.Query()
	remote := remoteHosts(u, q)
	if len(remote) == 0 {
		return "", nil
	}
	mode := q.Get("sslmode")
	if mode == "" {
		mode = getenv("PGSSLMODE")
	}
	hosts := strings.Join(remote, ",")
	if mode == "" {
		return "", errs.Newf(errs.Invalid,
			"--database menunjuk server PostgreSQL jarak jauh (%s) tanpa sslmode: koneksi bisa tidak terenkripsi. Tambahkan ?sslmode=verify-full (disarankan, dengan sslrootcert=FILE bila perlu) atau, hanya di jaringan tepercaya, ?sslmode=disable",
			"--database names a remote PostgreSQL server (%s) with no sslmode: the connection may be unencrypted. Add ?sslmode=verify-full (recommended, with sslrootcert=FILE if needed) or, on a trusted network only, ?sslmode=disable",
			hosts)
	}
	if why, weak := weakSSLModes[mode]; weak {
		return "PERINGATAN / WARNING: PostgreSQL " + hosts + " sslmode=" + mode + ": " + why +
			"; gunakan / use sslmode=verify-full", nil
	}
	return "", nil
}

// remoteHosts returns the hosts of a postgres:// URL that are not this
// machine: not localhost, a loopback address or a unix socket directory.
// The host query parameter, when given, overrides the URL's hosts, as it
// does in the driver.
func remoteHosts(u *url.URL, q url.Values) []string {
	list := u.Host
	if h := q.Get("host"); h != "" {
		list = h
	}
	var out []string
	for _, h := range strings.Split(list, ",") {
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		h = strings.Trim(h, "[]")
		if !isLocalHost(h) {
			out = append(out, h)
		}
	}
	return out
}

// isLocalHost reports whether a PostgreSQL host is this machine.
func isLocalHost(h string) bool {
	if h == "" || h == "localhost" || strings.HasPrefix(h, "/") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// DatabaseWarning returns a warning to log at startup when the database is
// a remote PostgreSQL server reached with a weak sslmode, and "" otherwise.
// It never contains the password.
func (c *Config) DatabaseWarning(getenv func(string) string) string {
	if backend, _, err := ParseDatabase(c.Database); err != nil || backend != "postgres" {
		return ""
	}
	w, _ := postgresTLS(c.Database, getenv)
	return w
}

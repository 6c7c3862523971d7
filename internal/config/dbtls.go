package config

import (
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

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
//
// The hosts and TLS settings are those the driver will use: pgconn's own
// parse of the DSN, with PGHOST, PGSSLMODE, a service file and the other
// PG* variables of the environment, not a second reading of the URL, which
// would miss a host that the driver takes from elsewhere.
func postgresTLS(dsn string) (warning string, err error) {
	pc, perr := pgconn.ParseConfig(dsn)
	if perr != nil {
		return "", nil // the driver reports an unusable DSN, without echoing it
	}
	var remote []string
	var targets []*pgconn.FallbackConfig
	for _, t := range connTargets(pc) {
		if !isLocalHost(t.Host) {
			remote = append(remote, t.Host)
			targets = append(targets, t)
		}
	}
	if len(remote) == 0 {
		return "", nil
	}
	hosts := strings.Join(slices.Compact(remote), ",")
	mode := tlsMode(targets)
	if mode == "prefer" && !sslmodeExplicit(dsn) {
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

// connTargets lists every host and TLS setting the driver may connect
// with: the config's own, then its fallbacks (other hosts, and the clear
// text or TLS retry of sslmode allow and prefer).
func connTargets(pc *pgconn.Config) []*pgconn.FallbackConfig {
	out := []*pgconn.FallbackConfig{{Host: pc.Host, Port: pc.Port, TLSConfig: pc.TLSConfig}}
	return append(out, pc.Fallbacks...)
}

// tlsMode names the weakest sslmode the targets amount to: "disable" when
// none uses TLS, "allow" or "prefer" when clear text is tried after or
// before TLS, "require" when TLS does not check the server, "" when every
// target verifies the server (verify-ca, verify-full).
func tlsMode(targets []*pgconn.FallbackConfig) string {
	var clear, unverified, tlsFirst bool
	for i, t := range targets {
		switch {
		case t.TLSConfig == nil:
			clear = true
		case t.TLSConfig.InsecureSkipVerify && t.TLSConfig.VerifyPeerCertificate == nil:
			unverified = true
			tlsFirst = tlsFirst || i == 0
		}
	}
	switch {
	case clear && !unverified:
		return "disable"
	case clear && tlsFirst:
		return "prefer"
	case clear:
		return "allow"
	case unverified:
		return "require"
	}
	return ""
}

// sslmodeExplicit reports whether the operator chose an sslmode: in the
// DSN (sslmode, or its alias ssl=true) or in PGSSLMODE. Without one the
// driver uses "prefer", which is not a choice.
func sslmodeExplicit(dsn string) bool {
	if os.Getenv("PGSSLMODE") != "" {
		return true
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return false
	}
	q := u.Query()
	return q.Get("sslmode") != "" || q.Get("ssl") != ""
}

// isLocalHost reports whether a PostgreSQL host is this machine: localhost,
// a loopback address or a unix socket directory.
func isLocalHost(h string) bool {
	if h == "localhost" || strings.HasPrefix(h, "/") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// DatabaseWarning returns a warning to log at startup when the database is
// a remote PostgreSQL server reached with a weak sslmode, and "" otherwise.
// It never contains the password.
func (c *Config) DatabaseWarning() string {
	if backend, _, err := ParseDatabase(c.Database); err != nil || backend != "postgres" {
		return ""
	}
	w, _ := postgresTLS(c.Database)
	return w
}

package cli

import (
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFailover runs ikd serve on a highly available PostgreSQL made of
// real parts, a pg_auto_failover monitor with a primary and a synchronous
// standby, through a multi-host DSN (target_session_attrs=read-write), and
// kills the primary's machine (its keeper and its postgres, SIGKILL) while
// activations, status changes and verifications are in flight. ikd must
// answer again within 30 s of the kill, and then every change it answered
// is there (checked as after a kill of ikd itself: credentials verify with
// their last answered status, offers do not redeem twice, every answered
// verification is in the audit log and none twice), and the audit chain
// verifies. Required under CI=true (.ci/run installs pg_auto_failover).
func TestFailover(t *testing.T) {
	if _, err := exec.LookPath("pg_autoctl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pg_autoctl is not installed (apt-get install postgresql-15-auto-failover pg-auto-failover-cli): the failover test is required in CI")
		}
		t.Skip("pg_autoctl is not installed (apt-get install postgresql-15-auto-failover pg-auto-failover-cli)")
	}
	ha := startHA(t)
	vars := dirVars(t)
	vars["IKD_DATABASE"] = ha.dsn
	r := newKillRig(t, vars)
	cmd := r.start()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	r.check(0)

	stop := make(chan struct{})
	wait := r.runLoad(stop)
	time.Sleep(3 * time.Second)
	atKill := r.answered()
	killed := time.Now()
	ha.kill(t, 1)
	back := r.waitAnswering(killed.Add(60 * time.Second))
	if back > 30*time.Second {
		t.Errorf("ikd answered again %.1f s after the primary was killed, want within 30 s", back.Seconds())
	}
	before := r.answered() // what is answered from here on, the new primary answered
	// More load on the new primary, until it has answered an activation
	// and a status change.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if now := r.answered(); now.activations > before.activations && now.changes > before.changes {
			break
		}
	}
	close(stop)
	wait()
	// A handle of the test's own, opened after the failover.
	r.db = openVars(t, vars).(interface{ SQL() *sql.DB }).SQL()
	r.check(1)
	t.Logf("primary killed after %d activations, %d status changes answered; ikd answered again after %.1f s; "+
		"in all %d activations, %d status changes, %d verifications answered, all there after the failover (new primary: %s)",
		atKill.activations, atKill.changes, back.Seconds(), r.stats.activations, r.stats.changes, r.verified, ha.primary(t))
	if r.stats.activations <= before.activations || r.stats.changes <= before.changes {
		t.Errorf("no activation or no status change was answered within 30 s of ikd's answering again; last activation failure: %s", r.lastFail)
	}
}

// waitAnswering waits until a verification through ikd succeeds and
// returns how long after the kill that was.
func (r *killRig) waitAnswering(deadline time.Time) time.Duration {
	start := time.Now()
	for time.Now().Before(deadline) {
		r.mu.Lock()
		var p *killResident
		if len(r.active) > 0 {
			p = r.active[0]
		}
		r.mu.Unlock()
		if p != nil {
			if status, _ := r.verify(p); status == 200 {
				r.verified++
				return time.Since(start)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.t.Fatal("ikd did not answer a verification within 60 s of the primary's kill")
	return 0
}

// haCluster is a pg_auto_failover formation on this machine: a monitor and
// two postgres nodes, run as the postgres user when the test runs as root
// (pg_autoctl refuses root).
type haCluster struct {
	dir    string
	bindir string // of the PostgreSQL the pgautofailover extension is installed for
	ports  [3]int // monitor, node 1, node 2
	dsn    string
	nodes  [3]*exec.Cmd
}

// startHA creates and runs the formation and waits until node 1 is the
// primary and node 2 its synchronous standby.
func startHA(t *testing.T) *haCluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "ikd-ha-")
	if err != nil {
		t.Fatal(err)
	}
	ha := &haCluster{dir: dir}
	ext, _ := filepath.Glob("/usr/share/postgresql/*/extension/pgautofailover.control")
	if len(ext) == 0 {
		t.Fatal("the pgautofailover extension is not installed (apt-get install postgresql-15-auto-failover)")
	}
	ha.bindir = filepath.Join("/usr/lib/postgresql", filepath.Base(filepath.Dir(filepath.Dir(ext[0]))), "bin")
	t.Cleanup(func() { ha.stop(); os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("pg_autoctl does not run as root and there is no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	for i := range ha.ports {
		ha.ports[i] = freePort(t)
	}
	monitor := fmt.Sprintf("postgres://autoctl_node@127.0.0.1:%d/pg_auto_failover?sslmode=disable", ha.ports[0])
	ha.nodes[0] = ha.run(t, "monitor", "create", "monitor", "--pgdata", ha.pgdata(0), "--pgport", strconv.Itoa(ha.ports[0]),
		"--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl", "--run")
	ha.waitSQL(t, 0, "SELECT 1", "1")
	// Fail over in seconds, not the defaults' half minute and more: the
	// health checks every second, a node unhealthy after 3 s, and the
	// old primary's demotion waited for 3 s.
	for _, set := range []string{"health_check_period = 1000", "health_check_timeout = 1000", "health_check_max_retries = 1",
		"health_check_retry_delay = 500", "node_considered_unhealthy_timeout = 3000", "primary_demote_timeout = 3000"} {
		ha.sql(t, 0, "ALTER SYSTEM SET pgautofailover."+set)
	}
	ha.sql(t, 0, "SELECT pg_reload_conf()")
	for n := 1; n <= 2; n++ {
		ha.nodes[n] = ha.run(t, fmt.Sprintf("node%d", n), "create", "postgres", "--pgdata", ha.pgdata(n),
			"--pgport", strconv.Itoa(ha.ports[n]), "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl",
			"--dbname", "ikd", "--monitor", monitor, "--run")
		if n == 1 {
			ha.waitState(t, "single", nil) // a primary with no standby yet
			continue
		}
		// The standby's base backup waits for a checkpoint, spread over
		// minutes by default; a CHECKPOINT on the primary hurries it.
		ha.waitState(t, "primary secondary", func() { ha.psql(1, "CHECKPOINT") })
	}
	ha.waitSQL(t, 1, "SHOW synchronous_standby_names", "ANY 1 (pgautofailover_standby_2)")
	ha.dsn = fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/ikd?sslmode=disable&target_session_attrs=read-write&connect_timeout=2",
		ha.ports[1], ha.ports[2])
	return ha
}

func (ha *haCluster) pgdata(n int) string {
	if n == 0 {
		return filepath.Join(ha.dir, "monitor")
	}
	return filepath.Join(ha.dir, fmt.Sprintf("node%d", n))
}

// command returns pg_autoctl with args, as the postgres user when root,
// with its configuration under the formation's directory.
func (ha *haCluster) command(args ...string) *exec.Cmd {
	env := []string{"XDG_CONFIG_HOME=" + filepath.Join(ha.dir, "config"), "XDG_DATA_HOME=" + filepath.Join(ha.dir, "data"),
		"XDG_RUNTIME_DIR=" + filepath.Join(ha.dir, "run"), "PATH=" + ha.bindir + ":" + os.Getenv("PATH"), "HOME=" + ha.dir}
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", "env"}, append(env, append([]string{"pg_autoctl"}, args...)...)...)...)
	} else {
		cmd = exec.Command("pg_autoctl", args...)
		cmd.Env = append(os.Environ(), env...)
	}
	return cmd
}

// run starts a long-running pg_autoctl in a process group of its own,
// logging to name.log.
func (ha *haCluster) run(t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	log, err := os.Create(filepath.Join(ha.dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(log.Name(), 0o666)
	cmd := ha.command(args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cmd.Wait()
	return cmd
}

// kill loses node n's machine: its keeper's process group and its
// postgres, SIGKILL.
func (ha *haCluster) kill(t *testing.T, n int) {
	t.Helper()
	pid := postmasterPID(ha.pgdata(n))
	syscall.Kill(-ha.nodes[n].Process.Pid, syscall.SIGKILL)
	if pid > 0 {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	ha.nodes[n] = nil
}

// stop kills every process of the formation.
func (ha *haCluster) stop() {
	for n, c := range ha.nodes {
		if c == nil {
			continue
		}
		pid := postmasterPID(ha.pgdata(n))
		syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		if pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	time.Sleep(200 * time.Millisecond)
}

// postmasterPID reads the postmaster's pid from its data directory; 0 if
// there is none.
func postmasterPID(pgdata string) int {
	b, err := os.ReadFile(filepath.Join(pgdata, "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	return pid
}

// sql runs one statement on node n as postgres and returns its output.
func (ha *haCluster) sql(t *testing.T, n int, q string) string {
	t.Helper()
	out, err := ha.psql(n, q)
	if err != nil {
		t.Fatalf("node %d: %s: %v\n%s", n, q, err, out)
	}
	return out
}

func (ha *haCluster) psql(n int, q string) (string, error) {
	db := "ikd"
	if n == 0 {
		db = "pg_auto_failover"
	}
	out, err := exec.Command("psql", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=2", ha.ports[n], db),
		"-qAtc", q).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// waitSQL waits up to 90 s until q on node n answers want.
func (ha *haCluster) waitSQL(t *testing.T, n int, q, want string) {
	t.Helper()
	var out string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if out, _ = ha.psql(n, q); out == want {
			return
		}
	}
	t.Fatalf("node %d: %s answers %q after 90 s, want %q; logs in %s:\n%s", n, q, out, want, ha.dir, ha.logs())
}

// waitState waits up to 90 s until the monitor reports the nodes in the
// given states (space-separated, in node order), calling nudge (if not
// nil) every two seconds meanwhile.
func (ha *haCluster) waitState(t *testing.T, want string, nudge func()) {
	t.Helper()
	got := ""
	for i, deadline := 0, time.Now().Add(90*time.Second); time.Now().Before(deadline); i++ {
		out, err := ha.psql(0, "SELECT string_agg(reportedstate::text, ' ' ORDER BY nodeid) FROM pgautofailover.node")
		if got = out; err == nil && got == want {
			return
		}
		if nudge != nil && i%8 == 7 {
			nudge()
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("pg_auto_failover states %q after 90 s, want %q; logs:\n%s", got, want, ha.logs())
}

// primary names the node the monitor now reports as primary.
func (ha *haCluster) primary(t *testing.T) string {
	out, _ := ha.psql(0, "SELECT string_agg(nodename || ' ' || goalstate::text, ', ' ORDER BY nodeid) FROM pgautofailover.node")
	return out
}

// logs returns the tails of the formation's logs.
func (ha *haCluster) logs() string {
	var b strings.Builder
	for _, name := range []string{"monitor", "node1", "node2"} {
		out, _ := os.ReadFile(filepath.Join(ha.dir, name+".log"))
		if len(out) > 3000 {
			out = out[len(out)-3000:]
		}
		fmt.Fprintf(&b, "--- %s.log\n%s\n", name, out)
	}
	return b.String()
}

// freePort returns a TCP port free on 127.0.0.1 now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

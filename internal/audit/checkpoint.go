package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Checkpoint is a head of the chain the operator keeps outside the
// database. A chain alone cannot show that events were cut from its end
// (the rest is still a consistent chain); a checkpoint can, because the
// chain must still hold the event it names, with the same hash.
type Checkpoint struct {
	Seq        int64     // the last event at the time
	Hash       string    // its hash
	KeyedSince int64     // the first keyed event then (0: none)
	At         time.Time // when the checkpoint was taken
}

// checkpointKeyLabel derives the key that authenticates checkpoints, apart
// from the chain and subject keys.
const checkpointKeyLabel = "ikd audit checkpoint v1"

// checkpointPrefix starts every checkpoint line.
const checkpointPrefix = "ikd-audit-checkpoint v1"

// The ways a checkpoint can disagree with the log.
const (
	Truncated          ProblemKind = "truncated"           // the log ends before the checkpoint's event
	CheckpointMismatch ProblemKind = "checkpoint_mismatch" // the checkpoint's event has another hash now
)

// SignCheckpoint returns c as one line, authenticated with an HMAC under a
// key derived from the audit key, for the operator to store elsewhere.
func (l *Log) SignCheckpoint(c Checkpoint) string {
	body := fmt.Sprintf("%s seq=%d hash=%s keyed_since=%d at=%s", checkpointPrefix, c.Seq, c.Hash, c.KeyedSince,
		c.At.UTC().Format(time.RFC3339))
	return body + " mac=" + l.checkpointMAC(body)
}

func (l *Log) checkpointMAC(body string) string {
	k := hmac.New(sha256.New, l.key)
	k.Write([]byte(checkpointKeyLabel))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

// ParseCheckpoint reads a line written by SignCheckpoint and checks its
// HMAC, so a checkpoint cannot be forged or altered without the audit key.
func (l *Log) ParseCheckpoint(line string) (Checkpoint, error) {
	line = strings.TrimSpace(line)
	body, mac, ok := strings.Cut(line, " mac=")
	if !ok || !strings.HasPrefix(body, checkpointPrefix+" ") {
		return Checkpoint{}, fmt.Errorf("not an ikd audit checkpoint (want a line starting %q)", checkpointPrefix)
	}
	if !hmac.Equal([]byte(mac), []byte(l.checkpointMAC(body))) {
		return Checkpoint{}, fmt.Errorf("the audit checkpoint was altered or written with another audit key")
	}
	c, err := parseCheckpointFields(strings.TrimPrefix(body, checkpointPrefix+" "))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("read audit checkpoint: %w", err)
	}
	return c, nil
}

// parseCheckpointFields reads the key=value fields of a checkpoint line.
func parseCheckpointFields(s string) (Checkpoint, error) {
	f := map[string]string{}
	for _, kv := range strings.Fields(s) {
		k, v, _ := strings.Cut(kv, "=")
		f[k] = v
	}
	var c Checkpoint
	var err error
	c.Hash = f["hash"]
	if c.Seq, err = strconv.ParseInt(f["seq"], 10, 64); err != nil {
		return c, fmt.Errorf("seq: %w", err)
	}
	if c.KeyedSince, err = strconv.ParseInt(f["keyed_since"], 10, 64); err != nil {
		return c, fmt.Errorf("keyed_since: %w", err)
	}
	if c.At, err = time.Parse(time.RFC3339, f["at"]); err != nil {
		return c, fmt.Errorf("at: %w", err)
	}
	return c, nil
}

// CheckCheckpoint compares a verified log (res, from Verify on st) with a
// checkpoint: the log must still hold the checkpoint's event with the same
// hash, and be keyed from the same event.
func (l *Log) CheckCheckpoint(ctx context.Context, st Lister, res Result, c Checkpoint) ([]Problem, error) {
	var out []Problem
	if res.KeyedSince != c.KeyedSince {
		out = append(out, Problem{BadMarker, c.KeyedSince, fmt.Sprintf(
			"the checkpoint of %s has the chain keyed from event %d, the log now from event %d (0: not keyed)",
			c.At.Format(time.RFC3339), c.KeyedSince, res.KeyedSince)})
	}
	if c.Seq == 0 {
		return out, nil
	}
	events, err := st.ListAudit(ctx, c.Seq-1, 1)
	if err != nil {
		return nil, fmt.Errorf("read audit event %d: %w", c.Seq, err)
	}
	switch {
	case len(events) == 0 || events[0].Seq != c.Seq:
		out = append(out, Problem{Truncated, c.Seq, fmt.Sprintf(
			"the checkpoint of %s records event %d, but the log ends at event %d: events were removed from its end",
			c.At.Format(time.RFC3339), c.Seq, res.Head.Seq)})
	case events[0].Hash != c.Hash:
		out = append(out, Problem{CheckpointMismatch, c.Seq, fmt.Sprintf(
			"the checkpoint of %s records hash %.12s for this event, the log now has %.12s",
			c.At.Format(time.RFC3339), c.Hash, events[0].Hash)})
	}
	return out, nil
}

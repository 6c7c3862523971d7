package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify"
)

// maxVerifyInput bounds what ikd verify reads from a file, stdin or URL.
const maxVerifyInput = 16 << 20

// errInvalid is returned (exit code 1) after ikd verify printed TIDAK SAH.
var errInvalid = errors.New("TIDAK SAH / INVALID")

// verifyLabels are the disclosed fields ikd verify prints, in order, with
// their Indonesian / English labels.
var verifyLabels = []struct{ claim, label string }{
	{"nama", "Nama / Name"},
	{"nik", "NIK"},
	{"tanggal_lahir", "Tanggal lahir / Date of birth"},
	{"jenis_kelamin", "Jenis kelamin / Sex"},
	{"age_over_17", "Usia 17+ / Age 17+"},
	{"age_over_21", "Usia 21+ / Age 21+"},
	{"foto_hash", "Hash foto / Photo hash"},
	{"foto", "Foto / Photo"},
}

// writeFace writes a verified credential's face (the foto claim's JPEG)
// to path, for --foto.
func writeFace(path string, r verify.Result) error {
	s, _ := r.Claims["foto"].(string)
	b64, ok := strings.CutPrefix(s, "data:image/jpeg;base64,")
	if !ok {
		return errors.New("--foto: kredensial ini tidak membawa foto / this credential carries no photo")
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Errorf("--foto: %w", err)
	}
	return os.WriteFile(path, b, 0o600)
}

func runVerify(ctx context.Context, env *Env, args []string) error {
	cfg := config.Defaults()
	fs := flags(env, "verify", "verify [flags] QR-TEXT|IMAGE|-")
	cfg.Register(fs, env.Getenv, "lang")
	trustFile := fs.String("trust", "", "the trust list (JWS) file")
	trustURL := fs.String("trust-url", "", "fetch the trust list from this URL instead of --trust")
	nonce := fs.String("nonce", "", "the nonce this verifier showed the holder, if any")
	aud := fs.String("aud", "", "the audience an SD-JWT key-binding JWT must name")
	face := fs.String("foto", "", "write the verified face (foto profile, printed cards) to this JPEG file, to compare it with the person")
	pin := fs.String("pin", env.Getenv("IKD_TRUST_PIN"),
		"pin the province's keys: the trust list must be signed by one of these key IDs, comma-separated, as ikd keys list prints them (env IKD_TRUST_PIN; the demo's are in data/samples/trust-pin.txt)")
	if err := parse(env, fs, &cfg, args); err != nil {
		return err
	}
	arg, err := oneArg(fs, "QR-TEXT|IMAGE|-")
	if err != nil {
		return err
	}
	if (*trustFile == "") == (*trustURL == "") {
		fmt.Fprintln(env.Stderr, "ikd verify: butuh --trust FILE atau --trust-url URL / needs --trust FILE or --trust-url URL")
		fs.Usage()
		return errUsage
	}
	pins, err := trustlist.ParsePins(*pin)
	if err != nil {
		return &errs.Error{Kind: errs.Invalid, ID: "--pin / IKD_TRUST_PIN: " + errs.Message(err, "id", err.Error()),
			EN: "--pin / IKD_TRUST_PIN: " + errs.Message(err, "en", err.Error())}
	}
	var jws []byte
	if *trustFile != "" {
		jws, err = os.ReadFile(*trustFile)
	} else {
		jws, err = fetch(ctx, *trustURL)
	}
	if err != nil {
		return fmt.Errorf("daftar tepercaya / trust list: %w", err)
	}
	input, err := verifyInput(arg)
	if err != nil {
		return err
	}
	now := time.Now()
	var res verify.Result
	var pe *trustlist.PinError
	switch l, perr := trustlist.ParsePinnedIDs(string(jws), now, pins); {
	case errors.As(perr, &pe):
		printUnpinned(env.Stdout, pe)
		return fmt.Errorf("%w: %s", errInvalid, pe)
	case perr != nil:
		// Say that the trust list is at fault, not the QR code, then answer
		// with the trust list's failure.
		source := *trustFile + *trustURL // one of them is empty
		fmt.Fprintf(env.Stdout, "Daftar tepercaya %s tidak dapat dipakai / The trust list %s cannot be used: %s\n",
			source, source, errs.Message(perr, "en", perr.Error()))
		res = verify.VerifyWithTrustList(input, string(jws), now, *nonce)
	default:
		res = verify.Verify(input, verify.Options{Trust: l, Now: now, Nonce: *nonce, Aud: *aud, RequireKB: *aud != ""})
	}
	printResult(env.Stdout, res, cfg.Lang)
	if !res.Valid {
		return fmt.Errorf("%w: %s", errInvalid, res.Reason)
	}
	if *face != "" {
		if err := writeFace(*face, res); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Foto ditulis ke / Photo written to: %s\n", *face)
	}
	return nil
}

// printUnpinned explains a trust list signed by a key that is not pinned.
func printUnpinned(w io.Writer, pe *trustlist.PinError) {
	pinned := strings.Join(pe.Pinned, ",")
	fmt.Fprintf(w, "TIDAK SAH / INVALID: %s\n", kredensial.UnknownIssuer)
	fmt.Fprintf(w, "Daftar tepercaya ditandatangani kunci %s, yang tidak disematkan (--pin %s): daftar ini bukan dari penerbit yang Anda percayai.\n", pe.SignedBy, pinned)
	fmt.Fprintf(w, "The trust list is signed by key %s, which is not pinned (--pin %s): it is not from the issuer you trust.\n", pe.SignedBy, pinned)
}

// verifyInput reads the argument: "-" is stdin; an existing file is read,
// and decoded as a QR image when it starts with PNG or JPEG magic bytes;
// anything else is the presentation text itself.
func verifyInput(arg string) (string, error) {
	var b []byte
	switch st, err := os.Stat(arg); {
	case arg == "-":
		b, err = io.ReadAll(io.LimitReader(os.Stdin, maxVerifyInput))
		if err != nil {
			return "", err
		}
	case err == nil && st.Mode().IsRegular():
		if st.Size() > maxVerifyInput {
			return "", fmt.Errorf("%s: file too large", arg)
		}
		b, err = os.ReadFile(arg)
		if err != nil {
			return "", err
		}
	default:
		return arg, nil
	}
	if bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}) {
		text, err := qrimage.DecodeFile(b)
		if err != nil {
			// not a readable QR code: let the verifier answer unreadable
			return "", nil
		}
		return text, nil
	}
	return strings.TrimSpace(string(b)), nil
}

func fetch(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxVerifyInput))
}

func printResult(w io.Writer, r verify.Result, lang string) {
	if !r.Valid {
		fmt.Fprintf(w, "TIDAK SAH / INVALID: %s\n", r.Reason)
		fmt.Fprintln(w, r.Reason.Message(lang))
		if r.Printed {
			fmt.Fprintln(w, "Kartu cetak / Printed card")
		}
		if r.Stale > 0 {
			fmt.Fprintf(w, "Kedaluwarsa sejak / Stale for: %s\n", r.Stale.Round(time.Second))
		}
		return
	}
	fmt.Fprintln(w, "VALID")
	if r.Printed {
		// No phone signed it: only the face tells it is the holder's.
		fmt.Fprintln(w, "SAH — KARTU CETAK: cocokkan wajah (foto) dengan orangnya / VALID — PRINTED CARD: compare the face (photo) with the person")
	}
	profile := r.Format
	if r.Profile != "" {
		profile += " (" + r.Profile + ")"
	}
	fmt.Fprintf(w, "Format: %s\n", profile)
	shown := map[string]bool{}
	for _, l := range verifyLabels {
		v, ok := r.Claims[l.claim]
		if !ok {
			continue
		}
		shown[l.claim] = true
		fmt.Fprintf(w, "%s: %s\n", l.label, claimText(l.claim, v))
	}
	var rest []string
	for k := range r.Claims {
		if !shown[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		fmt.Fprintf(w, "%s: %v\n", k, r.Claims[k])
	}
	fmt.Fprintf(w, "Penerbit / Issuer: %s\n", r.Issuer)
	if !r.Expiry.IsZero() {
		fmt.Fprintf(w, "Berlaku sampai / Valid until: %s\n", r.Expiry.UTC().Format(time.DateOnly))
	}
	fmt.Fprintf(w, "Umur daftar tepercaya / Trust list age: %s\n", r.TrustAge.Round(time.Second))
}

func claimText(claim string, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "ya / yes"
		}
		return "tidak / no"
	case string:
		switch {
		case claim == "jenis_kelamin" && x == "L":
			return "L (laki-laki / male)"
		case claim == "jenis_kelamin" && x == "P":
			return "P (perempuan / female)"
		case claim == "foto":
			return fmt.Sprintf("JPEG, %d karakter data: URL / chars as a data: URL", len(x))
		}
		return x
	}
	return fmt.Sprint(v)
}

package konsol

import (
	"context"
	"net/http"
	"net/url"

	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kartucetak"
	"github.com/ikd-project/ikd/internal/nik"
)

// Printer prints and revokes residents' printed cards (assisted mode);
// issuance.Issuer is one.
type Printer interface {
	PrintCard(ctx context.Context, r issuance.PrintRequest) (issuance.PrintedCard, error)
	RevokePrinted(ctx context.Context, c issuance.PrintedRevoke) (int, error)
}

var _ Printer = (*issuance.Issuer)(nil)

// PrintReasons are the reasons the page offers to revoke a printed card,
// in its language.
func (p residentPage) PrintReasons() []reason {
	var out []reason
	for _, r := range issuance.PrintedReasons {
		l := r.ID
		if p.Lang == "en" {
			l = r.EN
		}
		out = append(out, reason{Code: r.Code, Label: l})
	}
	return out
}

// printCard issues a printed card for the resident and answers it as an
// A6 PDF, not cached anywhere: it is a bearer credential. The role rule
// is the counter's and the area rule the issuer's, as for an activation;
// the print is audited (kartu_cetak.cetak).
func (h *Handler) printCard(w http.ResponseWriter, r *http.Request, o officer) {
	n := r.PathValue("nik")
	back := "/konsol/penduduk/" + url.PathEscape(n)
	card, err := h.Printer.PrintCard(r.Context(), issuance.PrintRequest{NIK: n, Petugas: o.Username, Kantor: o.KantorKode})
	if err != nil {
		h.failAs(w, r, o, "print card", err, back)
		return
	}
	pdf, err := kartucetak.PDF(kartucetak.Card{Nama: card.Nama, Portrait: card.Portrait, QRText: card.Text,
		IssuedAt: card.IssuedAt, ExpiresAt: card.ExpiresAt, VerifyURL: h.PublicURL + "/verifikasi/"})
	if err != nil {
		h.failAs(w, r, o, "print card PDF", err, back)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/pdf")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Disposition", `inline; filename="kartu-cetak-`+nik.Mask(n)[12:]+`.pdf"`)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(pdf); err != nil {
		h.Logger.Warn("konsol: write printed card", "err", err)
	}
}

// revokePrinted revokes the resident's printed card with a reason.
func (h *Handler) revokePrinted(w http.ResponseWriter, r *http.Request, o officer) {
	n := r.PathValue("nik")
	back := "/konsol/penduduk/" + url.PathEscape(n)
	_, err := h.Printer.RevokePrinted(r.Context(), issuance.PrintedRevoke{NIK: n, Alasan: r.PostFormValue("alasan"),
		Petugas: o.Username, Kantor: o.KantorKode})
	if err != nil {
		h.failAs(w, r, o, "revoke printed card", err, back)
		return
	}
	http.Redirect(w, r, back+"?tujuan=layanan&selesai=cabut_cetak", http.StatusSeeOther)
}

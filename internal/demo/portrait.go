package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	"github.com/ikd-project/ikd/internal/store"
)

// Portrait sizes, in pixels: the 3:4 of a KTP photo.
const (
	PortraitWidth  = 120
	PortraitHeight = 160
)

// Palette indices of a portrait.
const (
	pBg = iota
	pShirt
	pShirtShade
	pSkin
	pSkinShade
	pHair
	pDark
	pLips
	pWhite
	pScarf
	pScarfShade
	nPalette
)

var (
	skinTones = []color.RGBA{
		{0xF1, 0xC2, 0x7D, 0xFF}, {0xE0, 0xAC, 0x69, 0xFF}, {0xD9, 0xA0, 0x66, 0xFF},
		{0xC6, 0x86, 0x42, 0xFF}, {0xB5, 0x7A, 0x48, 0xFF}, {0x8D, 0x55, 0x24, 0xFF},
	}
	hairColours = []color.RGBA{{0x1B, 0x1B, 0x1B, 0xFF}, {0x2A, 0x24, 0x20, 0xFF}, {0x3B, 0x2A, 0x20, 0xFF}}
	greyHair    = color.RGBA{0xA0, 0xA0, 0xA0, 0xFF}
	shirts      = []color.RGBA{
		{0xF5, 0xF5, 0xF5, 0xFF}, {0x24, 0x32, 0x4F, 0xFF}, {0x7A, 0x1F, 0x2B, 0xFF}, {0x8B, 0x5A, 0x2B, 0xFF},
		{0x8F, 0xB8, 0xDE, 0xFF}, {0x2F, 0x5D, 0x3A, 0xFF}, {0x22, 0x22, 0x22, 0xFF}, {0x6D, 0x6D, 0x6D, 0xFF},
	}
	scarves = []color.RGBA{
		{0x1E, 0x1E, 0x1E, 0xFF}, {0x24, 0x32, 0x4F, 0xFF}, {0x7A, 0x1F, 0x2B, 0xFF}, {0xE8, 0xDC, 0xC4, 0xFF},
		{0xF2, 0xF2, 0xF2, 0xFF}, {0x80, 0x80, 0x80, 0xFF}, {0x6B, 0x70, 0x3A, 0xFF}, {0xD9, 0x8F, 0xA6, 0xFF},
		{0x6B, 0x4C, 0x7A, 0xFF}, {0x3E, 0x7C, 0x8C, 0xFF},
	}
	// KTP photos have a red background for those born in an even year and
	// a blue one for an odd year.
	bgRed  = color.RGBA{0xC8, 0x2A, 0x2A, 0xFF}
	bgBlue = color.RGBA{0x1F, 0x5F, 0xAD, 0xFF}
)

// Portrait returns a deterministic PNG portrait of about 120x160 pixels
// for a resident: a simple stylised bust whose skin tone, hair, head scarf
// and shirt are drawn from the seed and the NIK, on the red or blue
// background of a KTP photo. It is derived on demand and never stored. The
// same arguments always give the same bytes.
func Portrait(seed int64, nik string, sex store.JenisKelamin) []byte {
	r := newRNG(seed, "portrait:"+nik)
	yy, older := nikYear(nik)
	pal := make(color.Palette, nPalette)
	pal[pBg] = bgBlue
	if yy%2 == 0 {
		pal[pBg] = bgRed
	}
	pal[pShirt] = one(r, shirts)
	pal[pShirtShade] = shade(pal[pShirt].(color.RGBA), 80)
	skin := one(r, skinTones)
	pal[pSkin], pal[pSkinShade] = skin, shade(skin, 88)
	pal[pHair] = one(r, hairColours)
	if older && r.chance(0.6) {
		pal[pHair] = greyHair
	}
	pal[pDark] = color.RGBA{0x24, 0x1A, 0x16, 0xFF}
	pal[pLips] = color.RGBA{uint8(min(int(skin.R)*85/100+12, 255)), uint8(int(skin.G) * 68 / 100), uint8(int(skin.B) * 68 / 100), 0xFF}
	pal[pWhite] = color.RGBA{0xF8, 0xF8, 0xF8, 0xFF}
	scarf := one(r, scarves)
	pal[pScarf], pal[pScarfShade] = scarf, shade(scarf, 82)

	c := &canvas{img: image.NewPaletted(image.Rect(0, 0, PortraitWidth, PortraitHeight), pal)}
	f := face{cx: 60 + r.between(-2, 2), cy: 72 + r.between(-2, 2), rx: r.between(24, 28), ry: r.between(31, 35)}
	switch {
	case sex == store.Perempuan && r.chance(0.75):
		f.drawHijab(c, r)
	case sex == store.Perempuan:
		f.drawLongHair(c, r)
	default:
		f.drawShortHair(c, r, older)
	}
	var out bytes.Buffer
	if err := png.Encode(&out, c.img); err != nil {
		return nil // cannot happen with a bytes.Buffer
	}
	return out.Bytes()
}

// nikYear returns the two-digit birth year of an NIK and whether the holder
// is probably 55 or older; (0, false) for a malformed NIK.
func nikYear(nik string) (int, bool) {
	if len(nik) != 16 || nik[10] < '0' || nik[10] > '9' || nik[11] < '0' || nik[11] > '9' {
		return 0, false
	}
	yy := int(nik[10]-'0')*10 + int(nik[11]-'0')
	return yy, yy >= 30 && yy <= 70
}

// shade darkens a colour to pct percent.
func shade(c color.RGBA, pct int) color.RGBA {
	return color.RGBA{uint8(int(c.R) * pct / 100), uint8(int(c.G) * pct / 100), uint8(int(c.B) * pct / 100), 0xFF}
}

// canvas draws filled shapes in palette colours.
type canvas struct{ img *image.Paletted }

// ellipse fills the ellipse at (cx, cy) with radii rx, ry, in rows y0..y1 only.
func (c *canvas) ellipse(cx, cy, rx, ry int, idx uint8, y0, y1 int) {
	rr := rx * rx * ry * ry
	for y := max(cy-ry, y0, 0); y <= min(cy+ry, y1, PortraitHeight-1); y++ {
		dy := y - cy
		for x := max(cx-rx, 0); x <= min(cx+rx, PortraitWidth-1); x++ {
			dx := x - cx
			if dx*dx*ry*ry+dy*dy*rx*rx <= rr {
				c.img.Pix[y*c.img.Stride+x] = idx
			}
		}
	}
}

func (c *canvas) oval(cx, cy, rx, ry int, idx uint8) {
	c.ellipse(cx, cy, rx, ry, idx, 0, PortraitHeight)
}

func (c *canvas) rect(x0, y0, x1, y1 int, idx uint8) {
	for y := max(y0, 0); y <= min(y1, PortraitHeight-1); y++ {
		for x := max(x0, 0); x <= min(x1, PortraitWidth-1); x++ {
			c.img.Pix[y*c.img.Stride+x] = idx
		}
	}
}

// trapezoid fills rows y0..y1, whose left and right edges run linearly
// from (l0, r0) at y0 to (l1, r1) at y1.
func (c *canvas) trapezoid(y0, y1, l0, r0, l1, r1 int, idx uint8) {
	for y := y0; y <= y1; y++ {
		t, n := y-y0, max(y1-y0, 1)
		c.rect(l0+(l1-l0)*t/n, y, r0+(r1-r0)*t/n, y, idx)
	}
}

// face is the geometry of the head.
type face struct{ cx, cy, rx, ry int }

// body draws the shoulders, shirt and neck.
func (f face) body(c *canvas, r *rng, collar bool) {
	c.ellipse(60, 172, r.between(56, 62), r.between(44, 50), pShirt, 0, PortraitHeight)
	c.rect(f.cx-10, f.cy+f.ry-10, f.cx+10, 128, pSkinShade)
	c.trapezoid(124, 138, f.cx-10, f.cx+10, f.cx, f.cx, pSkinShade) // the V of the neckline
	if collar {
		c.trapezoid(122, 134, f.cx-22, f.cx-12, f.cx-12, f.cx-2, pWhite)
		c.trapezoid(122, 134, f.cx+12, f.cx+22, f.cx+2, f.cx+12, pWhite)
	}
}

// features draws eyes, brows, nose and mouth on the face.
func (f face) features(c *canvas, r *rng, ox int) {
	ey := f.cy + 2
	for _, s := range []int{-1, 1} {
		ex := f.cx + s*(9+ox)
		c.oval(ex, ey, 4, 2, pWhite)
		c.oval(ex, ey, 2, 2, pDark)
		c.rect(ex-5, ey-7, ex+5, ey-6, pDark)
	}
	if r.chance(0.12) { // glasses
		for _, s := range []int{-1, 1} {
			ex := f.cx + s*(9+ox)
			c.rect(ex-7, ey-4, ex+7, ey-4, pDark)
			c.rect(ex-7, ey+4, ex+7, ey+4, pDark)
			c.rect(ex-7, ey-4, ex-7, ey+4, pDark)
			c.rect(ex+7, ey-4, ex+7, ey+4, pDark)
		}
		c.rect(f.cx-2, ey-2, f.cx+2, ey-2, pDark)
	}
	c.oval(f.cx, f.cy+12, 3, 2, pSkinShade)
	c.oval(f.cx, f.cy+21, r.between(6, 8), 2, pLips)
}

func (f face) drawShortHair(c *canvas, r *rng, older bool) {
	f.body(c, r, r.chance(0.6))
	c.ellipse(f.cx, f.cy-4, f.rx+3, f.ry+2, pHair, 0, f.cy-6) // hair behind the crown
	for _, s := range []int{-1, 1} {
		c.oval(f.cx+s*f.rx, f.cy+4, 4, 7, pSkinShade) // ears
	}
	c.oval(f.cx, f.cy+2, f.rx, f.ry-2, pSkin)
	hairline := f.cy - f.ry/2 + r.between(-3, 2)
	if older && r.chance(0.3) {
		hairline -= 6 // receding
	}
	c.ellipse(f.cx+r.between(-3, 3), f.cy-f.ry/2, f.rx+1, f.ry/2+4, pHair, 0, hairline)
	f.features(c, r, 0)
	if older && r.chance(0.25) { // moustache
		c.rect(f.cx-7, f.cy+16, f.cx+7, f.cy+17, pHair)
	}
}

func (f face) drawLongHair(c *canvas, r *rng) {
	c.ellipse(f.cx, f.cy+18, f.rx+9, f.ry+26, pHair, 0, 142) // hair falling to the shoulders
	f.body(c, r, false)
	c.trapezoid(112, 142, f.cx-f.rx-6, f.cx-f.rx+4, f.cx-f.rx-10, f.cx-f.rx, pHair)
	c.trapezoid(112, 142, f.cx+f.rx-4, f.cx+f.rx+6, f.cx+f.rx, f.cx+f.rx+10, pHair)
	c.oval(f.cx, f.cy+2, f.rx-1, f.ry-2, pSkin)
	c.ellipse(f.cx+r.between(-4, 4), f.cy-f.ry/2, f.rx+2, f.ry/2+4, pHair, 0, f.cy-f.ry/2+r.between(-2, 3))
	f.features(c, r, -1)
}

func (f face) drawHijab(c *canvas, r *rng) {
	f.body(c, r, false)
	w := f.rx + 10
	c.trapezoid(f.cy+10, PortraitHeight-1, f.cx-w, f.cx+w, f.cx-w-18, f.cx+w+18, pScarf) // drape
	c.oval(f.cx, f.cy+2, w, f.ry+9, pScarf)
	c.oval(f.cx, f.cy+5, f.rx-1, f.ry-3, pScarfShade) // the inner cap, framing the face
	c.oval(f.cx, f.cy+6, f.rx-3, f.ry-5, pSkin)
	f.features(c, r, -1)
}

//go:build js

package main

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"
)

// The canvas shows one coloured cell per self-test case over a slowly
// moving background: grey pending, pulsing amber running, green passed, red
// failed. Both pictures are tiny pixel buffers written with WritePixels and
// scaled up by the GPU, as ebiten's mandelbrot example does.
const (
	cellPx        = 8      // one case in the grid image: 7 pixels of colour and a 1-pixel gap
	bgW, bgH      = 48, 27 // background buffer, stretched over the screen with linear filtering
	textScale     = 2
	panelFraction = 0.42 // the HTML panel covers the right 42% of wide pages (web/style.css)
	wideScreenPx  = 900  // narrower pages put the panel below the canvas picture
)

var (
	colPending = [3]byte{0x5a, 0x60, 0x6e}
	colRunning = [3]byte{0xf2, 0xb1, 0x34}
	colPassed  = [3]byte{0x2e, 0xc2, 0x7e}
	colFailed  = [3]byte{0xe0, 0x4f, 0x4f}
)

type game struct {
	prog  *progress
	seen  int
	cells []cell
	phase string
	tick  int

	grid       *ebiten.Image
	gridPix    []byte
	cols, rows int

	bg    *ebiten.Image
	bgPix []byte

	text   *ebiten.Image
	legend *ebiten.Image // made in the first Update: a key to the colours

	w, h int // the screen in CSS pixels, from Layout
}

func newSelfTestGame(p *progress) *game {
	return &game{
		prog:  p,
		seen:  -1,
		bg:    ebiten.NewImage(bgW, bgH),
		bgPix: make([]byte, bgW*bgH*4),
		text:  ebiten.NewImage(420, 40),
	}
}

func (g *game) Update() error {
	g.tick++
	if g.legend == nil {
		g.legend = newLegend()
	}
	if v, changed := g.prog.snapshot(g.seen, &g.cells, &g.phase); changed {
		g.seen = v
		g.resizeGrid(len(g.cells))
		g.paintText()
	}
	if g.tick%3 == 1 {
		g.paintBackground()
	}
	g.paintGrid()
	return nil
}

// newLegend draws a swatch and a label per cell colour.
func newLegend() *ebiten.Image {
	entries := []struct {
		col   [3]byte
		label string
	}{{colPending, "pending"}, {colRunning, "running"}, {colPassed, "passed"}, {colFailed, "failed"}}
	img := ebiten.NewImage(len(entries)*76, 16)
	for i, e := range entries {
		x := i * 76
		swatch := img.SubImage(image.Rect(x, 3, x+10, 13)).(*ebiten.Image)
		swatch.Fill(color.RGBA{e.col[0], e.col[1], e.col[2], 0xff})
		ebitenutil.DebugPrintAt(img, e.label, x+14, 0)
	}
	return img
}

// resizeGrid picks a roughly 16:10 arrangement for n cells.
func (g *game) resizeGrid(n int) {
	cols := max(1, int(math.Ceil(math.Sqrt(float64(n)*1.6))))
	rows := max(1, (n+cols-1)/cols)
	if g.grid != nil && cols == g.cols && rows == g.rows {
		return
	}
	if g.grid != nil {
		g.grid.Deallocate()
	}
	g.cols, g.rows = cols, rows
	g.grid = ebiten.NewImage(cols*cellPx, rows*cellPx)
	g.gridPix = make([]byte, cols*cellPx*rows*cellPx*4)
}

func (g *game) paintGrid() {
	if g.grid == nil {
		return
	}
	stride := g.cols * cellPx * 4
	clear(g.gridPix)
	pulse := 0.55 + 0.45*math.Sin(float64(g.tick)*0.15)
	for i, c := range g.cells {
		col := colPending
		switch c {
		case cellRunning:
			col = scale(colRunning, pulse)
		case cellPassed:
			col = colPassed
		case cellFailed:
			col = colFailed
		}
		x0, y0 := (i%g.cols)*cellPx, (i/g.cols)*cellPx
		for y := y0; y < y0+cellPx-1; y++ {
			for x := x0; x < x0+cellPx-1; x++ {
				o := y*stride + x*4
				g.gridPix[o], g.gridPix[o+1], g.gridPix[o+2], g.gridPix[o+3] = col[0], col[1], col[2], 0xff
			}
		}
	}
	g.grid.WritePixels(g.gridPix)
}

func scale(c [3]byte, f float64) [3]byte {
	return [3]byte{byte(float64(c[0]) * f), byte(float64(c[1]) * f), byte(float64(c[2]) * f)}
}

// paintBackground draws a dark, slowly drifting colour field, so the canvas
// is visibly alive even before the first case finishes.
func (g *game) paintBackground() {
	t := float64(g.tick) / 60
	for y := 0; y < bgH; y++ {
		for x := 0; x < bgW; x++ {
			fx, fy := float64(x), float64(y)
			o := (y*bgW + x) * 4
			g.bgPix[o] = byte(18 + 10*math.Sin(fx*0.21+t))
			g.bgPix[o+1] = byte(24 + 12*math.Sin(fy*0.27+t*0.7))
			g.bgPix[o+2] = byte(48 + 22*math.Sin((fx+fy)*0.13+t*1.3))
			g.bgPix[o+3] = 0xff
		}
	}
	g.bg.WritePixels(g.bgPix)
}

func (g *game) paintText() {
	passed, failed := 0, 0
	for _, c := range g.cells {
		switch c {
		case cellPassed:
			passed++
		case cellFailed:
			failed++
		}
	}
	g.text.Clear()
	ebitenutil.DebugPrintAt(g.text, fmt.Sprintf("genplay kernel self-test  %d/%d passed, %d failed\n%s",
		passed, len(g.cells), failed, g.phase), 0, 0)
}

func (g *game) Draw(screen *ebiten.Image) {
	sw, sh := float64(g.w), float64(g.h)
	if sw == 0 || sh == 0 {
		return
	}
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	op.GeoM.Scale(sw/bgW, sh/bgH)
	screen.DrawImage(g.bg, op)

	// The picture goes where the HTML panel is not.
	aw, ah := sw, sh
	if g.w >= wideScreenPx {
		aw = sw * (1 - panelFraction)
	} else {
		ah = sh * 0.45
	}
	top := 24.0 + textScale*32
	op = &ebiten.DrawImageOptions{}
	op.GeoM.Scale(textScale, textScale)
	op.GeoM.Translate(24, 24)
	screen.DrawImage(g.text, op)

	if g.grid == nil {
		return
	}
	const legendH = 16*textScale + 16
	gw, gh := float64(g.cols*cellPx), float64(g.rows*cellPx)
	k := math.Floor(math.Min((aw-48)/gw, (ah-top-24-legendH)/gh))
	if k < 1 {
		k = 1
	}
	op = &ebiten.DrawImageOptions{}
	op.GeoM.Scale(k, k)
	x0, y0 := math.Floor((aw-gw*k)/2), math.Floor(top+(ah-top-legendH-gh*k)/2)
	op.GeoM.Translate(x0, y0)
	screen.DrawImage(g.grid, op)

	if g.legend != nil {
		// Under the grid's left edge, pulled left (and shrunk) to stay in the area.
		ls := float64(textScale)
		lw := float64(g.legend.Bounds().Dx()) * ls
		if lw > aw-48 {
			ls, lw = 1, lw/ls
		}
		op = &ebiten.DrawImageOptions{}
		op.GeoM.Scale(ls, ls)
		op.GeoM.Translate(math.Max(24, math.Min(x0, aw-lw-24)), y0+gh*k+16)
		screen.DrawImage(g.legend, op)
	}
}

// Layout renders at the page's CSS size, so cells stay crisp at any size.
func (g *game) Layout(outsideWidth, outsideHeight int) (int, int) {
	g.w, g.h = outsideWidth, outsideHeight
	return outsideWidth, outsideHeight
}

//go:build js

package main

import (
	"math"
	"sync"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"
)

// heatmap is the text page's Ebiten game: the attention of one layer and
// head, row = query position, column = key position, over the prompt and
// the generated tokens, drawn in the canvas's left part (the HTML panel
// covers the right). show (any goroutine) builds the pixels; Update
// uploads them when they changed; Draw only scales.
type heatmap struct {
	mu      sync.Mutex
	pix     []byte
	n       int // positions: the image is n×n
	caption string
	version int

	seen int
	img  *ebiten.Image
	w, h int
}

func newHeatmap() *heatmap { return &heatmap{seen: -1} }

// show draws rows (row p: p+1 probabilities) with the prompt's first
// prompt positions marked by a brighter diagonal band.
func (v *heatmap) show(rows [][]float32, prompt int, caption string) {
	n := len(rows)
	pix := make([]byte, 4*n*n)
	for p, row := range rows {
		for k := 0; k < n; k++ {
			o := 4 * (p*n + k)
			pix[o+3] = 0xff
			if k >= len(row) {
				pix[o], pix[o+1], pix[o+2] = 0x12, 0x18, 0x2b // masked (the future)
				continue
			}
			r, g, b := heat(row[k])
			if p >= prompt && k == p {
				g = max(g, 0x40) // generated tokens' diagonal, to tell them from the prompt
			}
			pix[o], pix[o+1], pix[o+2] = r, g, b
		}
	}
	v.mu.Lock()
	v.pix, v.n, v.caption = pix, n, caption
	v.version++
	v.mu.Unlock()
}

// heat maps a probability to a dark-blue-to-yellow ramp; the square root
// makes small weights visible.
func heat(p float32) (r, g, b byte) {
	t := math.Sqrt(float64(max(0, min(1, p))))
	return byte(20 + 235*t), byte(24 + 200*t*t), byte(60 + 80*(1-t))
}

func (v *heatmap) Update() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.version == v.seen || v.n == 0 {
		return nil
	}
	if v.img == nil || v.img.Bounds().Dx() != v.n {
		if v.img != nil {
			v.img.Deallocate()
		}
		v.img = ebiten.NewImage(v.n, v.n)
	}
	v.img.WritePixels(v.pix)
	v.seen = v.version
	return nil
}

func (v *heatmap) Draw(screen *ebiten.Image) {
	screen.Fill(backgroundColour)
	v.mu.Lock()
	caption, img := v.caption, v.img
	v.mu.Unlock()
	if img == nil {
		ebitenutil.DebugPrintAt(screen, "attention heatmap: generate to see it", 16, 16)
		return
	}
	// The square fits the left 58% of the page (the panel is 42vw).
	side := min(float64(v.w)*0.58-32, float64(v.h)-64)
	if side < 16 {
		return
	}
	op := &ebiten.DrawImageOptions{}
	s := side / float64(img.Bounds().Dx())
	op.GeoM.Scale(s, s)
	op.GeoM.Translate(16, 40)
	op.Filter = ebiten.FilterNearest
	screen.DrawImage(img, op)
	ebitenutil.DebugPrintAt(screen, caption+"\nrow: query position, column: key position (prompt, then generated)", 16, 4)
}

func (v *heatmap) Layout(w, h int) (int, int) {
	v.w, v.h = w, h
	return w, h
}

//go:build js

package main

import (
	"image"
	"math"
	"sync"
	"time"

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

	refresh  time.Duration // see refreshEvery
	urgent   bool          // the pending version skips the refresh wait
	seen     int
	uploaded time.Time     // when seen was uploaded
	timer    *time.Timer   // a frame asked for when the refresh wait ends
	img      *ebiten.Image // side a power of two, at least n
	shown    *ebiten.Image // its n×n corner
	w, h     int
	drawn    drawn
}

// heatmapRefresh and softwareRefresh are how often, at most, a new
// heatmap reaches the canvas while tokens keep coming (each token changes
// it; the last one always shows, and a reprobe shows at once; a run's
// first rows wait too, see startRun). On a software adapter the canvas's GL is
// software too, and a redraw there stalled the run by about 400 ms: in
// Chromium on SwiftShader, fortunes decoded 14 tokens/s with a redraw every
// 250 ms, 40 every second, 60-70 with none (BENCHMARKS.md, "The pages'
// canvas").
const (
	heatmapRefresh  = 250 * time.Millisecond
	softwareRefresh = 2 * time.Second
)

func newHeatmap() *heatmap { return &heatmap{seen: -1, refresh: heatmapRefresh} }

// refreshEvery sets how often, at most, a new heatmap is drawn.
func (v *heatmap) refreshEvery(d time.Duration) {
	v.mu.Lock()
	v.refresh = d
	v.mu.Unlock()
}

// startRun starts the refresh wait anew: a run's first rows wait for the
// refresh interval like the rest instead of drawing at once, so that a
// software adapter's run does not stall on a redraw at its first token.
func (v *heatmap) startRun() {
	v.mu.Lock()
	v.uploaded = time.Now()
	v.mu.Unlock()
}

// show draws rows (row p: p+1 probabilities) with the prompt's first
// prompt positions marked by a brighter diagonal band. live (a token of a
// running generation) waits for the refresh interval; otherwise (the
// user's choice of layer or head, a run's last row) it shows at the next
// frame.
func (v *heatmap) show(rows [][]float32, prompt int, caption string, live bool) {
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
	v.pix, v.n, v.caption, v.urgent = pix, n, caption, !live
	v.version++
	v.schedule()
	v.mu.Unlock()
}

// schedule asks Ebiten for a frame (see drawOnChange) when Update will
// upload the pending version: now, or when the refresh wait ends. v.mu is
// held.
func (v *heatmap) schedule() {
	wait := v.refresh - time.Since(v.uploaded)
	if v.urgent || wait <= 0 {
		ebiten.ScheduleFrame() //nolint:staticcheck // see drawOnChange
		return
	}
	if v.timer == nil {
		v.timer = time.AfterFunc(wait, func() {
			v.mu.Lock()
			defer v.mu.Unlock()
			v.timer = nil
			if v.version != v.seen {
				v.schedule() // startRun may have moved the wait's end
			}
		})
	}
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
	if v.version == v.seen || v.n == 0 || !v.urgent && time.Since(v.uploaded) < v.refresh {
		return nil
	}
	// The image grows by doubling, not by a row and column each token: a
	// new texture for every redraw cost Chromium's GPU process more than
	// the redraw (5.5 -> 13.9 tokens/s on SwiftShader, 250 ms refresh).
	if v.img == nil || v.img.Bounds().Dx() < v.n {
		if v.img != nil {
			v.img.Deallocate()
		}
		side := 64
		for side < v.n {
			side *= 2
		}
		v.img = ebiten.NewImage(side, side)
	}
	v.shown = v.img.SubImage(image.Rect(0, 0, v.n, v.n)).(*ebiten.Image)
	v.shown.WritePixels(v.pix)
	v.seen, v.uploaded = v.version, time.Now()
	return nil
}

func (v *heatmap) Draw(screen *ebiten.Image) {
	if !v.drawn.changed(v.seen, v.w, v.h) {
		return
	}
	screen.Fill(backgroundColour)
	v.mu.Lock()
	caption, img := v.caption, v.shown
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

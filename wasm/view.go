//go:build js

package main

import (
	"fmt"
	"image/color"
	"math"
	"sync"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"

	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/wasm/playground"
)

// view is the Ebiten game of the playground. It draws the shown frame's
// three panels (x_t, predicted x0, predicted noise), scaled up with nearest
// neighbour. show (any goroutine) converts a frame to pixels; Update only
// uploads them when they changed, Draw only scales: no model work here.
type view struct {
	embed bool

	mu      sync.Mutex
	pix     []byte // the shown frame's panels, RGBA
	pw, ph  int    // their size
	caption string
	version int

	seen    int
	panels  *ebiten.Image
	text    *ebiten.Image
	w, h    int
	lastCap string
	drawn   drawn
}

const (
	embedStripPx = 44 // web/style.css: the embed page's control strip
)

var backgroundColour = color.RGBA{0x12, 0x18, 0x2b, 0xff}

// drawOnChange makes Ebiten run a page's Update and Draw only when
// ebiten.ScheduleFrame asks (a view's show), the canvas is resized, or
// there is input; and keeps the canvas between frames.
//
// Redrawing an idle canvas 60 times a second took both of a 2-core
// machine's cores in Chromium on a software GL, starving the WebGPU work
// of the same page (BENCHMARKS.md, "The pages' canvas"), hence drawn and
// SetScreenClearedEveryFrame(false). But Ebiten still presents the
// screen on the 3 frames after a change (its maxSkipCount), and on
// SwiftShader each present is a 40-130 ms SwapBuffers on Chromium's GPU
// main thread, which also runs the page's WebGPU commands: about 200 ms
// of a 550 ms diffusion step. The deprecated FPSModeVsyncOffMinimum still
// works in Ebiten 2.8.8 and runs one frame per ScheduleFrame, so one
// present per change ("The pages' presents" in BENCHMARKS.md).
func drawOnChange() {
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum) //nolint:staticcheck // see above
}

// drawn remembers what a page's canvas last showed, so that Draw can
// leave an unchanged canvas alone: a frame that draws nothing keeps the
// last one and is not presented again (see drawOnChange).
type drawn struct{ version, w, h int }

// changed reports whether (version, w, h) differs from the last drawn,
// and records it as drawn.
func (d *drawn) changed(version, w, h int) bool {
	now := drawn{version + 1, w, h} // +1: the zero drawn is "nothing yet"
	if *d == now {
		return false
	}
	*d = now
	return true
}

func newView(embed bool) *view { return &view{embed: embed, seen: -1} }

// show makes f the frame on the canvas.
// label names the run's settings above the step.
func (v *view) show(f playground.Frame, cfg *diffusion.Config, label string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.pix = playground.Panels(v.pix, f, cfg.InChannels, cfg.SampleSize)
	v.pw, v.ph = playground.PanelsSize(cfg.SampleSize)
	v.caption = fmt.Sprintf("step %d/%d  t=%d\n%s", f.Step, f.Total, f.T, label)
	v.version++
	ebiten.ScheduleFrame() //nolint:staticcheck // see drawOnChange
}

func (v *view) Update() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.version == v.seen || v.pix == nil {
		return nil
	}
	v.seen = v.version
	if v.panels == nil || v.panels.Bounds().Dx() != v.pw || v.panels.Bounds().Dy() != v.ph {
		if v.panels != nil {
			v.panels.Deallocate()
		}
		v.panels = ebiten.NewImage(v.pw, v.ph)
	}
	v.panels.WritePixels(v.pix)
	if v.caption != v.lastCap {
		v.lastCap = v.caption
		if v.text == nil {
			v.text = ebiten.NewImage(320, 48)
		}
		v.text.Clear()
		ebitenutil.DebugPrintAt(v.text, v.caption, 0, 0)
	}
	return nil
}

func (v *view) Draw(screen *ebiten.Image) {
	if !v.drawn.changed(v.seen, v.w, v.h) {
		return
	}
	screen.Fill(backgroundColour)
	if v.w == 0 {
		return
	}
	if v.panels == nil {
		if !v.embed {
			ebitenutil.DebugPrintAt(screen, "Generate (or press Space) to watch every denoising step here.", 24, 24)
		}
		return
	}
	// The picture goes where the HTML is not: left of the panel on wide
	// pages, above it on narrow ones, above the strip in the embed.
	aw, ah, top := float64(v.w), float64(v.h), 0.0
	switch {
	case v.embed:
		ah -= embedStripPx
	case v.w >= wideScreenPx:
		aw *= 1 - panelFraction
	default:
		ah *= 0.45
	}
	margin := 16.0
	if !v.embed {
		top = 110 // room for the caption: two lines of text at 2x
	}
	pw, ph := float64(v.panels.Bounds().Dx()), float64(v.panels.Bounds().Dy())
	labelH := 0.0
	if !v.embed {
		labelH = 40
	}
	k := math.Floor(math.Min((aw-2*margin)/pw, (ah-top-2*margin-labelH)/ph))
	if k < 1 {
		k = math.Min((aw-2*margin)/pw, (ah-top-2*margin-labelH)/ph) // tiny iframes: shrink
		if k <= 0 {
			return
		}
	}
	x0 := math.Floor((aw - pw*k) / 2)
	y0 := math.Floor(top + (ah-top-labelH-ph*k)/2)
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterNearest}
	op.GeoM.Scale(k, k)
	op.GeoM.Translate(x0, y0)
	screen.DrawImage(v.panels, op)
	if v.embed {
		return
	}
	size := float64(v.panels.Bounds().Dy())
	for i, label := range []string{"x_t", "predicted x0", "predicted noise"} {
		ebitenutil.DebugPrintAt(screen, label, int(x0+float64(i)*(size+playground.PanelGap)*k), int(y0+ph*k+6))
	}
	if v.text != nil {
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Scale(2, 2)
		op.GeoM.Translate(x0, y0-100)
		screen.DrawImage(v.text, op)
	}
}

// Layout renders at the page's CSS size, so pixels stay crisp.
func (v *view) Layout(outsideWidth, outsideHeight int) (int, int) {
	v.w, v.h = outsideWidth, outsideHeight
	return outsideWidth, outsideHeight
}

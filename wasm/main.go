//go:build js

// Command wasm is genplay's browser app (built as web/genplay.wasm). One
// binary serves three pages, picked by <body data-app>:
//
//   - "diffusion" (index.html): the diffusion playground, every denoising
//     step drawn live, with a timeline, branching, export and share links;
//   - "embed" (embed.html): the same canvas with a minimal control strip,
//     driven by postMessage from the page that holds the <iframe>;
//   - "text" (text.html): the text playground, tokens streamed with their
//     candidates and an attention heatmap (text_*.go);
//   - "selftest" (selftest.html): the kernel self-test of the WebGPU device.
//
// Work never runs inside Ebiten's Update or Draw: generation and the
// self-test run in their own goroutines and post their state to values
// that the game reads.
package main

import (
	"log"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	ebiten.SetWindowTitle("genplay")
	// On js the window size is the page's; Ebiten sizes its canvas to it.
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)

	switch app := js.Global().Get("document").Get("body").Get("dataset").Get("app"); {
	case app.Type() == js.TypeString && (app.String() == "diffusion" || app.String() == "embed"):
		runPlayground(app.String() == "embed")
	case app.Type() == js.TypeString && app.String() == "text":
		runTextPage()
	default:
		runSelfTestPage()
	}
}

func runSelfTestPage() {
	p := newPage()
	p.setStarted()
	prog := newProgress()
	go runSelfTest(p, prog)
	if err := ebiten.RunGame(newSelfTestGame(prog)); err != nil {
		p.fail("the canvas stopped: " + err.Error())
		log.Print(err)
	}
}

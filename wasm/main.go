//go:build js

// Command wasm is genplay's browser app (built as web/genplay.wasm). Today it
// finds a WebGPU device, runs the kernel self-test on it, fills the page's
// table with the results and animates the progress on an Ebiten canvas.
//
// Work never runs inside Ebiten's Update or Draw: the self-test runs in its
// own goroutine and posts its state to a progress value that the game reads.
package main

import (
	"log"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	p := newPage()
	p.setStarted()
	prog := newProgress()
	go runSelfTest(p, prog)

	ebiten.SetWindowTitle("genplay")
	// On js the window size is the page's; Ebiten sizes its canvas to it.
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	if err := ebiten.RunGame(newGame(prog)); err != nil {
		p.fail("the canvas stopped: " + err.Error())
		log.Print(err)
	}
}

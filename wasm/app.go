//go:build js

package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"strconv"
	"sync"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/wasm/playground"
	"github.com/genplay/genplay/weights"
)

// Phases of the playground, in window.genplay.phase and <body data-phase>:
// loading -> ready -> running <-> paused -> done | stopped; error when
// loading failed (the page says why and how to fix it).
const (
	phaseLoading = "loading"
	phaseNeedCPU = "need-cpu" // no WebGPU: waiting for the user to accept the CPU path
	phaseReady   = "ready"
	phaseRunning = "running"
	phasePaused  = "paused"
	phaseDone    = "done"
	phaseStopped = "stopped"
	phaseError   = "error"
)

// command is one request from the page (a button, a key, a postMessage).
// Commands are handled one at a time, in order, by app.loop.
type command struct {
	kind   string
	step   int        // seek: 1-based step
	fields url.Values // generate, set, branch: settings fields
	run    int        // finished: the run's id
	err    error      // finished: how the run ended
	final  []float32  // finished: the final image, when err is nil
}

// app is the playground's controller. Its loop goroutine owns everything
// but frames/shown, which the run goroutine also touches under mu.
type app struct {
	embed bool
	ui    *ui
	view  *view
	cmds  chan command

	models  []weights.ModelEntry
	entry   weights.ModelEntry
	unet    *diffusion.UNet
	cfg     *diffusion.Config
	backend kernels.Backend
	onCPU   bool
	query   url.Values // the page's URL query at load (autoplay, backend=cpu)

	settings playground.Settings // the last valid settings
	runSet   playground.Settings // the settings of the current or last run
	runLabel string              // runSet for the canvas caption
	phase    string

	runID     int
	runCancel context.CancelFunc
	runDone   chan struct{}
	gate      *playground.Gate
	final     []float32
	profiler  *profiler // the per-kernel table (profiler.go)

	mu     sync.Mutex
	frames []playground.Frame
	shown  int  // index into frames on the canvas, -1 for none
	follow bool // show each new frame as it arrives
}

func runPlayground(embed bool) {
	a := &app{embed: embed, cmds: make(chan command, 256), shown: -1, follow: true, phase: phaseLoading}
	a.ui = newUI(a)
	a.profiler = newProfiler(&a.ui.dom, a.ui.query(), "step")
	a.view = newView(embed)
	go a.loop()
	drawOnChange()
	if err := ebiten.RunGame(a.view); err != nil {
		a.ui.fatal("the canvas stopped: "+err.Error(), "")
		log.Print(err)
	}
}

// send queues a command without blocking (JS callbacks must not block).
func (a *app) send(c command) {
	select {
	case a.cmds <- c:
	default:
		a.ui.message("busy: too many requests queued; try again")
	}
}

func (a *app) loop() {
	query := a.ui.query()
	a.query = query
	s, err := playground.Defaults().Apply(query, nil)
	if err != nil {
		a.ui.message("The link's settings were refused, the defaults are used instead: " + err.Error())
		s = playground.Defaults()
	}
	a.settings = s
	a.ui.showSettings(s)
	if err := a.load(); err != nil {
		a.setPhase(phaseError)
		a.ui.fatal(err.Error(), fixWeights)
		a.ui.post("error", map[string]any{"message": err.Error()})
		return
	}
	// Only now can the class be checked: a link's unknown class falls back
	// to the default one, with the refusal on the page.
	if _, err := a.settings.Apply(url.Values{}, a.cfg); err != nil {
		a.ui.message("The link's class was refused: " + err.Error())
		a.settings.Class = playground.Defaults().Class
		if _, err := diffusion.ParseClass(a.cfg, a.settings.Class); err != nil {
			a.settings.Class = diffusion.ClassSlugs(a.cfg)[0]
		}
		a.settings.Branch = nil
		a.ui.showSettings(a.settings)
	}
	a.ui.setClasses(diffusion.ClassSlugs(a.cfg))
	a.ui.setURL(a.settings)
	a.setPhase(phaseReady)
	a.ui.post("ready", map[string]any{"model": a.entry.ID, "backend": a.backend.Name(), "classes": toAny(diffusion.ClassSlugs(a.cfg))})
	if query.Get("autoplay") == "1" || a.settings.Branch != nil {
		a.send(command{kind: "generate"})
	}
	for c := range a.cmds {
		a.handle(c)
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func (a *app) setPhase(p string) {
	a.phase = p
	a.ui.setPhase(p)
}

func (a *app) running() bool { return a.phase == phaseRunning || a.phase == phasePaused }

func (a *app) handle(c command) {
	if a.unet == nil && c.kind != "finished" {
		return
	}
	switch c.kind {
	case "set":
		a.apply(c.fields)
	case "random":
		seed := rand.Uint64N(1_000_000_000)
		a.ui.setField(playground.KeySeed, strconv.FormatUint(seed, 10))
		a.apply(url.Values{playground.KeySeed: {strconv.FormatUint(seed, 10)}})
	case "generate":
		if c.fields != nil && !a.apply(c.fields) {
			return
		}
		a.start(a.settings, nil, false)
	case "step":
		if a.running() {
			a.gate.StepOnce()
			a.setPhase(phasePaused)
			return
		}
		a.start(a.settings, nil, true)
	case "pause":
		if a.phase == phaseRunning {
			a.gate.Pause()
			a.setPhase(phasePaused)
		}
	case "resume":
		if a.phase == phasePaused {
			a.gate.Resume()
			a.setPhase(phaseRunning)
		}
	case "toggle":
		switch a.phase {
		case phaseRunning:
			a.handle(command{kind: "pause"})
		case phasePaused:
			a.handle(command{kind: "resume"})
		default:
			a.handle(command{kind: "generate"})
		}
	case "stop":
		if a.running() {
			a.stopRun()
			a.setPhase(phaseStopped)
			a.ui.message("Stopped. The timeline keeps the steps so far.")
		}
	case "seek":
		a.seek(c.step)
	case "branch":
		a.branch(c.fields)
	case "png":
		a.exportPNG()
	case "gif":
		a.exportGIF()
	case "finished":
		a.finished(c)
	}
}

// apply validates fields against the current settings; bad input is
// reported and changes nothing.
func (a *app) apply(fields url.Values) bool {
	if m := fields.Get(playground.KeyModel); fields.Has(playground.KeyModel) && m != "" {
		if _, err := pickModel(a.models, m); err != nil {
			a.refuse(err)
			return false
		}
		if e, _ := pickModel(a.models, m); e.ID != a.entry.ID {
			// Another model means other weights and classes: load the page
			// again with the new link (cached weights make this quick).
			s := a.settings
			s.Model, s.Branch = e.ID, nil
			a.ui.setURL(s)
			js.Global().Get("location").Call("reload")
			return false
		}
	}
	s, err := a.settings.Apply(fields, a.cfg)
	if err != nil {
		a.refuse(err)
		return false
	}
	a.ui.message("")
	s.Branch = nil // edited settings start a new run; a branch is made from the timeline
	if fields.Has(playground.KeyBranchAt) {
		s.Branch = a.settings.Branch
	}
	a.settings = s
	a.ui.setURL(s)
	return true
}

// refuse reports bad input on the page (and to an embedding host) and puts
// the last valid settings back into the controls.
func (a *app) refuse(err error) {
	a.ui.message(err.Error())
	a.ui.showSettings(a.settings)
	a.ui.post("error", map[string]any{"message": err.Error()})
}

//go:build js

package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/genplay/genplay/wasm/playground"
)

// Runs: starting, stopping and recording a generation, the timeline, the
// branch and the exports. These run on the app's loop goroutine, except
// addFrame (the run goroutine).

// start begins a run of s. from holds the frames a branch continues from
// (nil: run from x_T). paused starts it held before its first step, for
// "step once".
func (a *app) start(s playground.Settings, from []playground.Frame, paused bool) {
	a.stopRun()
	a.runID++
	id := a.runID
	ctx, cancel := context.WithCancel(context.Background())
	a.runCancel = cancel
	done := make(chan struct{})
	a.runDone = done
	gate := playground.NewGate()
	if paused {
		gate.StepOnce()
	}
	a.gate = gate
	a.runSet = s
	a.runLabel = runLabel(s)
	a.final = nil

	a.mu.Lock()
	if s.Branch != nil && from != nil {
		a.frames = append([]playground.Frame(nil), from[:s.Branch.At+1]...)
	} else {
		a.frames = nil
	}
	a.follow = true
	a.shown = len(a.frames) - 1
	a.mu.Unlock()
	a.ui.message("")
	a.setPhase(phaseRunning)
	if paused {
		a.setPhase(phasePaused)
	}
	a.ui.setURL(s)

	u, cfg, yield, label, backend := a.unet, a.cfg, a.onCPU, a.runLabel, a.backend
	go func() {
		endProfile, steps := a.profiler.begin(backend), 0
		final, err := playground.Run(ctx, u, cfg, s, from, gate, func(f playground.Frame) {
			steps++
			a.addFrame(f, label)
			if yield {
				// The CPU path computes without returning to the browser's
				// event loop; give Ebiten a frame to draw this step.
				time.Sleep(20 * time.Millisecond)
			}
		})
		endProfile(steps)
		close(done)
		a.cmds <- command{kind: "finished", run: id, err: err, final: final}
	}()
}

// stopRun cancels the current run and waits for its goroutine.
func (a *app) stopRun() {
	if a.runCancel == nil {
		return
	}
	a.runCancel()
	<-a.runDone
	a.runCancel = nil
}

// runLabel names a run's settings on the canvas.
func runLabel(s playground.Settings) string {
	l := fmt.Sprintf("%s  seed %d  %s  w=%g", s.Class, s.Seed, s.Sampler, s.Guidance)
	if b := s.Branch; b != nil {
		l += fmt.Sprintf("\nbranch at %d: seed %d  %s  w=%g", b.At+1, b.Seed, b.Sampler, b.Guidance)
	}
	return l
}

// addFrame records a step (run goroutine).
func (a *app) addFrame(f playground.Frame, label string) {
	a.mu.Lock()
	a.frames = append(a.frames, f)
	n := len(a.frames)
	if a.follow {
		a.shown = n - 1
	}
	shown := a.shown
	a.mu.Unlock()
	if shown == n-1 {
		a.view.show(f, a.cfg, label)
	}
	ms := float64(f.Took.Microseconds()) / 1000
	a.ui.stepProgress(f.Step, f.Total, f.T, ms, n, shown+1)
	a.ui.post("step", map[string]any{"step": f.Step, "total": f.Total, "t": f.T, "ms": ms})
}

func (a *app) finished(c command) {
	if c.run != a.runID {
		return // a run replaced by a newer one
	}
	a.runCancel = nil
	switch {
	case c.err == nil:
		a.final = c.final
		a.setPhase(phaseDone)
		a.ui.post("done", map[string]any{"steps": a.runSet.Steps, "settings": a.runSet.Query().Encode()})
	case errors.Is(c.err, context.Canceled):
		// stop, or a new run: already reported
	default:
		a.setPhase(phaseStopped)
		a.ui.message("The run failed: " + c.err.Error())
		a.ui.post("error", map[string]any{"message": c.err.Error()})
	}
}

// seek shows recorded step (1-based) on the canvas.
func (a *app) seek(step int) {
	a.mu.Lock()
	n := len(a.frames)
	if n == 0 {
		a.mu.Unlock()
		return
	}
	i := max(0, min(step-1, n-1))
	a.shown = i
	a.follow = i == n-1 && a.phase == phaseRunning
	f := a.frames[i]
	a.mu.Unlock()
	a.view.show(f, a.cfg, a.runLabel)
	a.ui.shown(i+1, n, f)
}

// branch re-runs from the shown frame with the branch fields' seed,
// sampler and guidance.
func (a *app) branch(fields url.Values) {
	a.mu.Lock()
	at := a.shown
	frames := append([]playground.Frame(nil), a.frames...)
	a.mu.Unlock()
	if at < 0 || len(frames) == 0 {
		a.ui.message("Generate first, then pick a step on the timeline to branch from.")
		return
	}
	base := a.runSet
	if base.Branch != nil && at > base.Branch.At {
		// Branching a branch: the recorded frames up to the old branch
		// point come from the old base; later ones cannot be replayed from
		// a link, so branch from the old point's base instead.
		a.ui.message("Branching from a branch: the new branch starts from the first branch's step.")
		at = base.Branch.At
	}
	base.Branch = nil
	form := url.Values{playground.KeyBranchAt: {strconv.Itoa(at + 1)}}
	for _, k := range []string{playground.KeyBSeed, playground.KeyBSampler, playground.KeyBGuidance} {
		if v, ok := fields[k]; ok {
			form[k] = v
		}
	}
	s, err := base.Apply(form, a.cfg)
	if err != nil {
		a.ui.message(err.Error())
		return
	}
	a.settings = s
	a.ui.showSettings(s)
	a.start(s, frames, false)
}

func (a *app) exportPNG() {
	if a.final == nil {
		a.ui.message("Nothing to export yet: let a run finish first.")
		return
	}
	b, err := playground.PNG(a.final, a.cfg.InChannels, a.cfg.SampleSize)
	if err != nil {
		a.ui.message(err.Error())
		return
	}
	download(a.fileName()+".png", "image/png", b)
	a.ui.set("exported", len(b))
}

func (a *app) exportGIF() {
	a.mu.Lock()
	frames := append([]playground.Frame(nil), a.frames...)
	a.mu.Unlock()
	b, err := playground.GIF(frames, a.cfg.InChannels, a.cfg.SampleSize)
	if err != nil {
		a.ui.message(err.Error())
		return
	}
	download(a.fileName()+".gif", "image/gif", b)
}

func (a *app) fileName() string {
	s := a.runSet
	name := fmt.Sprintf("genplay-%s-%d-%s-%d", s.Class, s.Seed, s.Sampler, s.Steps)
	if s.Branch != nil {
		name += fmt.Sprintf("-b%d-%d", s.Branch.At+1, s.Branch.Seed)
	}
	return name
}

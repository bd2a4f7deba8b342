package playground

import (
	"context"
	"sync"
)

// Gate lets the page pause a run between steps. The generator calls Wait
// after every step; Wait returns at once while the gate is open, and while
// it is paused only when the page grants one more step (StepOnce) or
// resumes. Any goroutine may call the methods.
type Gate struct {
	mu      sync.Mutex
	paused  bool
	credits int           // steps granted while paused
	changed chan struct{} // closed (and replaced) on every change
}

// NewGate returns an open (running) gate.
func NewGate() *Gate { return &Gate{changed: make(chan struct{})} }

func (g *Gate) signal() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// Pause stops the run after the step in progress.
func (g *Gate) Pause() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.paused, g.credits = true, 0
	g.signal()
}

// Resume lets the run go on.
func (g *Gate) Resume() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.paused, g.credits = false, 0
	g.signal()
}

// StepOnce pauses the run if needed and lets exactly one more step through.
func (g *Gate) StepOnce() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.paused = true
	g.credits++
	g.signal()
}

// Paused reports whether the gate holds runs.
func (g *Gate) Paused() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.paused
}

// Wait blocks until the next step may run or ctx is done.
func (g *Gate) Wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		if !g.paused {
			g.mu.Unlock()
			return nil
		}
		if g.credits > 0 {
			g.credits--
			g.mu.Unlock()
			return nil
		}
		ch := g.changed
		g.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

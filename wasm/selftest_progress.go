//go:build js

package main

import "sync"

// cell is the state of one self-test case as the canvas shows it.
type cell uint8

const (
	cellPending cell = iota
	cellRunning
	cellPassed
	cellFailed
)

// progress is what the self-test goroutine tells the game. The game takes a
// snapshot once per Update and never waits on the worker.
type progress struct {
	mu      sync.Mutex
	cells   []cell
	phase   string
	version int // bumped on every change, so the game repaints only then
}

func newProgress() *progress { return &progress{phase: "starting"} }

func (p *progress) setCases(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cells = make([]cell, n)
	p.version++
}

func (p *progress) set(i int, c cell) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if i >= 0 && i < len(p.cells) {
		p.cells[i] = c
		p.version++
	}
}

func (p *progress) setPhase(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = s
	p.version++
}

// snapshot copies the state into dst (reusing its storage) when it changed
// since version seen, and reports whether it did.
func (p *progress) snapshot(seen int, dst *[]cell, phase *string) (version int, changed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.version == seen {
		return seen, false
	}
	*dst = append((*dst)[:0], p.cells...)
	*phase = p.phase
	return p.version, true
}

//go:build js

package webgpu

import (
	"fmt"

	"github.com/genplay/genplay/kernels/wgpu"
)

// rehearsal collects the pipelines a Precompile's recording asks for, in
// the order it asks.
type rehearsal struct {
	names []string
	seen  map[string]bool
}

func (r *rehearsal) want(name string) {
	if !r.seen[name] {
		r.seen[name] = true
		r.names = append(r.names, name)
	}
}

// Precompile compiles, all at once, the pipelines that record's ops use.
// A pipeline otherwise compiles when an op first needs it, one after
// another inside a user's first run: on SwiftShader in Chromium that was
// about 4 s of a text page's first token and 14 s of the diffusion page's
// first two steps (BENCHMARKS.md). Here record runs with every dispatch
// left out (its ops still allocate, copy and read back, so they return
// placeholders' values: zeros or stale data, to be dropped), then each
// pipeline it asked for that is not compiled yet starts compiling with
// createComputePipelineAsync, which lets a browser compile them off its
// GPU process's main thread, side by side where it can (on SwiftShader
// with 2 cores it was no faster than one at a time). progress, if not
// nil, hears (done, total) as they finish. A model's Rehearse is the
// record to pass.
func (b *Backend) Precompile(record func() error, progress func(done, total int)) error {
	if b.err != nil {
		return b.err
	}
	r := &rehearsal{seen: map[string]bool{}}
	b.rehearsal = r
	err := func() error {
		defer func() { b.rehearsal = nil }()
		return record()
	}()
	if err != nil {
		return fmt.Errorf("webgpu: precompile: %w", err)
	}
	if b.err != nil {
		return b.err
	}
	type job struct {
		p       *pipeline
		pending *wgpu.PendingComputePipeline
	}
	var jobs []job
	for _, name := range r.names {
		if _, ok := b.pipelines[name]; ok {
			continue
		}
		desc, layout, err := b.pipelineDesc(name)
		if err != nil {
			return fmt.Errorf("webgpu: %s: %w", name, err)
		}
		jobs = append(jobs, job{&pipeline{name: name, layout: layout}, b.dev.CreateComputePipelineAsync(desc)})
	}
	for i, j := range jobs {
		pl, err := j.pending.Wait()
		if err != nil {
			return fmt.Errorf("webgpu: %s: %w", j.p.name, err)
		}
		j.p.pl = pl
		b.pipelines[j.p.name] = j.p
		if progress != nil {
			progress(i+1, len(jobs))
		}
	}
	return nil
}

// Pipelines returns how many compute pipelines the backend has compiled.
func (b *Backend) Pipelines() int { return len(b.pipelines) }

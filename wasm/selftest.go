//go:build js

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/kernels/webgpu"
)

// noWebGPUMessage is shown when the browser has no usable WebGPU.
const noWebGPUMessage = "this browser has no WebGPU: %v. Use Chrome/Edge 113+ or enable WebGPU " +
	"in your browser's settings; the CPU path is slower. Running the self-test on the CPU instead."

// runSelfTest opens the WebGPU backend (or falls back to the CPU one) and
// runs every self-test case on it, reporting each result to the page and the
// canvas as it arrives.
func runSelfTest(p *page, prog *progress) {
	cases := selftest.Cases()
	labels := make([][2]string, len(cases))
	for i, c := range cases {
		labels[i] = [2]string{c.Op, fmt.Sprint(c.Shape)}
	}
	prog.setCases(len(cases))
	p.setCases(labels)

	prog.setPhase("requesting a WebGPU device")
	p.setStatus("Requesting a WebGPU device…")
	var b kernels.Backend
	gpu, err := webgpu.New()
	switch {
	case err == nil:
		p.setAdapter(true, gpu.AdapterInfo())
		b = gpu
	case errors.Is(err, webgpu.ErrNoWebGPU):
		p.setAdapter(false, "")
		p.notice(fmt.Sprintf(noWebGPUMessage, err))
		b = kernels.NewCPU(1)
	default:
		p.setAdapter(false, "")
		p.notice(fmt.Sprintf("WebGPU is present but the device failed: %v. Running the self-test on the CPU instead.", err))
		p.setError(err.Error())
		b = kernels.NewCPU(1)
	}
	p.setBackend(b.Name())

	passed, failed := 0, 0
	for i, c := range cases {
		prog.set(i, cellRunning)
		prog.setPhase(fmt.Sprintf("%s %v", c.Op, c.Shape))
		p.setStatus(fmt.Sprintf("Self-test on %s: %d of %d (%s)…", b.Name(), i+1, len(cases), c.Op))
		start := time.Now()
		r := selftest.Run(b, c) // never panics: a backend panic comes back as r.Err
		elapsed := time.Since(start)
		if r.Pass {
			passed++
			prog.set(i, cellPassed)
		} else {
			failed++
			prog.set(i, cellFailed)
		}
		p.setResult(i, r, elapsed)
	}
	summary := fmt.Sprintf("%d passed, %d failed", passed, failed)
	prog.setPhase("finished on " + b.Name())
	p.setStatus(fmt.Sprintf("Self-test on %s finished.", b.Name()))
	p.setDone(passed, failed, summary)
}

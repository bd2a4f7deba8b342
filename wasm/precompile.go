//go:build js

package main

import (
	"fmt"
	"time"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/webgpu"
)

// precompile compiles the GPU kernels of rehearse's passes before the
// first run (webgpu.Backend.Precompile), so that a first token or step
// does not wait on them one by one; on the CPU it does nothing. show is
// the page's load progress, its label starting with what (the model's
// line); window.genplay.kernels gets {compiled, ms}.
func precompile(d *dom, b kernels.Backend, rehearse func() error, what string, show func(label string, done, total float64)) error {
	wb, ok := b.(*webgpu.Backend)
	if !ok {
		return nil
	}
	start := time.Now()
	show(what+" · compiling the GPU kernels", 0, 1)
	n := 0
	err := wb.Precompile(rehearse, func(done, total int) {
		n = total
		show(fmt.Sprintf("%s · compiling the GPU kernels: %d of %d", what, done, total), float64(done), float64(total))
	})
	if err != nil {
		return fmt.Errorf("compiling the GPU kernels failed: %w", err)
	}
	ms := float64(time.Since(start).Microseconds()) / 1000
	d.state.Set("kernels", map[string]any{"compiled": n, "ms": ms})
	if n == 0 { // all compiled already (another model with the same kernels)
		show(what, 1, 1)
		return nil
	}
	show(fmt.Sprintf("%s · %d GPU kernels compiled in %.1f s", what, n, ms/1000), 1, 1)
	return nil
}

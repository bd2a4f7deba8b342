//go:build js

package main

import (
	"fmt"
	"net/url"
	"syscall/js"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/webgpu"
)

// profiler is the "Kernel profile" panel of the diffusion and text pages:
// with its toggle on, a run times every GPU dispatch
// (webgpu.Backend.Profile) and the panel shows, per kernel, the
// dispatches, total ms and achieved GFLOP/s or GB/s of the last run, and
// how the times were taken: GPU timestamps where the device has
// 'timestamp-query' (every dispatch in a pass of its own), else the wall
// clock around submitting each dispatch alone, which includes the queue's
// round trip. A profiled run is slower either way; the counts are exact.
// ?profile=1 turns it on at load. A run's steps are denoising steps on the
// diffusion page and tokens on the text page (unit).
//
// The report is mirrored into window.genplay.profile = {timing, gpuTime,
// steps, dispatches, kernels: [{kernel, dispatches, timed, ms, gflops,
// gbs}]} for tests; gpuTime is true when the times are GPU timestamps.
type profiler struct {
	d              *dom
	unit           string // what a step is: "step", "token"
	toggle, status js.Value
	table          js.Value
}

// newProfiler adds the panel to #panel (the embed page has none: then the
// profiler is inert); q is the page's query.
func newProfiler(d *dom, q url.Values, unit string) *profiler {
	p := &profiler{d: d, unit: unit}
	panel := d.el("panel")
	if panel.IsNull() {
		return p
	}
	doc := d.doc
	box := doc.Call("createElement", "details")
	box.Set("id", "profiler")
	box.Set("innerHTML", `<summary>Kernel profile</summary>`+
		`<label><input type="checkbox" id="profile-toggle"> Time every kernel in the next runs (slower)</label>`+
		`<div id="profile-status" class="hint">Turn it on, then generate.</div>`+
		`<table id="profile-table" style="font: 12px monospace; border-spacing: 8px 0"></table>`)
	panel.Call("appendChild", box)
	p.toggle, p.status, p.table = d.el("profile-toggle"), d.el("profile-status"), d.el("profile-table")
	if q.Get("profile") == "1" {
		p.toggle.Set("checked", true)
		box.Set("open", true)
	}
	return p
}

func (p *profiler) on() bool { return p.toggle.Truthy() && p.toggle.Get("checked").Truthy() }

// begin starts profiling a run on b when the toggle is on; the returned
// func ends it after the run's steps and shows the table. Both run on the
// run's goroutine: turning timing on waits for the GPU queue.
func (p *profiler) begin(b kernels.Backend) (end func(steps int)) {
	if !p.on() {
		return func(int) {}
	}
	wb, ok := b.(*webgpu.Backend)
	if !ok {
		p.status.Set("textContent", "The CPU backend runs no GPU kernels: nothing to profile.")
		p.table.Set("innerHTML", "")
		return func(int) {}
	}
	p.status.Set("textContent", "Profiling this run…")
	wb.ProfileReset()
	wb.Profile(true)
	return func(steps int) {
		wb.Profile(false)
		p.show(wb.ProfileReport(), wb.ProfileTiming(), steps)
	}
}

// show renders a report as the panel's table and into window.genplay.
func (p *profiler) show(r []webgpu.KernelStat, timing string, steps int) {
	total, ms := webgpu.TotalDispatches(r), 0.0
	gpuTime := timing == webgpu.TimingTimestamps
	msHead := "ms (queue)" // wall clock per dispatch, round trip included
	if gpuTime {
		msHead = "GPU ms"
	}
	var rows []any
	html := `<tr><th align="left">kernel</th><th align="right">dispatches</th><th align="right">` + msHead + `</th>` +
		`<th align="right">GFLOP/s</th><th align="right">GB/s</th></tr>`
	for _, s := range r {
		ms += s.Ms
		html += fmt.Sprintf(`<tr><td>%s</td><td align="right">%d</td><td align="right">%.1f</td><td align="right">%s</td><td align="right">%s</td></tr>`,
			s.Kernel, s.Dispatches, s.Ms, rateText(s.GFLOPs(), s.FLOPs), rateText(s.GBs(), s.Bytes))
		rows = append(rows, map[string]any{"kernel": s.Kernel, "dispatches": s.Dispatches, "timed": s.Timed,
			"ms": s.Ms, "gflops": s.GFLOPs(), "gbs": s.GBs()})
	}
	p.table.Set("innerHTML", html)
	status := fmt.Sprintf("Last run: %d dispatches, %.0f ms in kernels (timing: %s).", total, ms, timing)
	if steps > 0 {
		units := p.unit + "s"
		if steps == 1 {
			units = p.unit
		}
		status = fmt.Sprintf("Last run: %d %s, %d dispatches (%d per %s), %.0f ms in kernels (timing: %s).",
			steps, units, total, total/steps, p.unit, ms, timing)
	}
	p.status.Set("textContent", status)
	p.d.state.Set("profile", map[string]any{"timing": timing, "gpuTime": gpuTime, "steps": steps, "dispatches": total, "kernels": rows})
}

// rateText formats a rate, blank for kernels that count no such work.
func rateText(rate, work float64) string {
	if work == 0 || rate == 0 {
		return ""
	}
	return fmt.Sprintf("%.3f", rate)
}

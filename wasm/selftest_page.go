//go:build js

package main

import (
	"fmt"
	"syscall/js"
	"time"

	"github.com/genplay/genplay/kernels/selftest"
)

// page is the bridge to the HTML around the canvas (web/index.html). It also
// keeps window.genplay and document.body.dataset.selftest up to date: the
// machine-readable state that the browser tests and embedding pages read.
//
// window.genplay fields: started, webgpu (bool), adapter, backend, cases
// (count), results (one object per finished case: op, shape, nmse, maxAbs,
// tol, pass, error, ms), passed, failed, summary, error.
// dataset.selftest goes "running" -> "done".
type page struct {
	doc     js.Value
	body    js.Value
	state   js.Value // window.genplay
	results js.Value // window.genplay.results
	status  js.Value
	adapter js.Value
	notes   js.Value
	summary js.Value
	tbody   js.Value
	rows    []js.Value
}

func newPage() *page {
	g := js.Global()
	doc := g.Get("document")
	p := &page{doc: doc, body: doc.Get("body")}
	p.state = g.Get("genplay")
	if p.state.Type() != js.TypeObject {
		p.state = g.Get("Object").New()
		g.Set("genplay", p.state)
	}
	p.results = g.Get("Array").New()
	p.state.Set("results", p.results)
	p.status = p.element("status", "div")
	p.adapter = p.element("adapter", "div")
	p.notes = p.element("notice", "div")
	p.summary = p.element("summary", "div")
	table := p.element("selftest", "table")
	p.tbody = table.Call("querySelector", "tbody")
	if p.tbody.IsNull() {
		p.tbody = doc.Call("createElement", "tbody")
		table.Call("appendChild", p.tbody)
	}
	return p
}

// element returns the element with the given id, creating it at the end of
// the body when the page lacks it, so the app also runs on a bare page.
func (p *page) element(id, tag string) js.Value {
	el := p.doc.Call("getElementById", id)
	if el.IsNull() {
		el = p.doc.Call("createElement", tag)
		el.Set("id", id)
		p.body.Call("appendChild", el)
	}
	return el
}

func (p *page) setStarted() {
	p.state.Set("started", true)
	p.body.Get("dataset").Set("selftest", "running")
	p.setStatus("genplay.wasm started.")
}

func (p *page) setStatus(s string) { p.status.Set("textContent", s) }

func (p *page) setAdapter(ok bool, info string) {
	p.state.Set("webgpu", ok)
	p.state.Set("adapter", info)
	if ok {
		p.adapter.Set("textContent", "WebGPU adapter: "+info)
	} else {
		p.adapter.Set("textContent", "WebGPU adapter: none")
	}
}

func (p *page) setBackend(name string) { p.state.Set("backend", name) }

func (p *page) notice(msg string) {
	p.notes.Set("textContent", msg)
	p.notes.Get("classList").Call("add", "visible")
}

func (p *page) setError(msg string) { p.state.Set("error", msg) }

// fail reports an error that stops the app.
func (p *page) fail(msg string) {
	p.setError(msg)
	p.notice(msg)
	p.body.Get("dataset").Set("selftest", "error")
}

// setCases adds one pending table row per case (op, shape).
func (p *page) setCases(labels [][2]string) {
	p.state.Set("cases", len(labels))
	p.tbody.Set("textContent", "")
	p.rows = make([]js.Value, len(labels))
	for i, l := range labels {
		tr := p.doc.Call("createElement", "tr")
		tr.Set("className", "pending")
		for _, text := range []string{l[0], l[1], "pending", "", "", "", "", ""} {
			td := p.doc.Call("createElement", "td")
			td.Set("textContent", text)
			tr.Call("appendChild", td)
		}
		p.tbody.Call("appendChild", tr)
		p.rows[i] = tr
	}
}

// setResult fills row i with a finished case.
func (p *page) setResult(i int, r selftest.Result, elapsed time.Duration) {
	verdict, class := "pass", "pass"
	if !r.Pass {
		verdict, class = "FAIL", "fail"
	}
	errText := ""
	if r.Err != nil {
		errText = r.Err.Error()
	}
	ms := float64(elapsed.Microseconds()) / 1000
	// The column order is web/index.html's.
	cells := []string{
		r.Op, r.Shape, verdict,
		fmt.Sprintf("%.2e", r.NMSE), fmt.Sprintf("%.2e", r.MaxAbs), fmt.Sprintf("%.0e", r.Tol),
		fmt.Sprintf("%.0f", ms), errText,
	}
	tr := p.rows[i]
	tr.Set("className", class)
	tds := tr.Get("children")
	for j, text := range cells {
		tds.Index(j).Set("textContent", text)
	}
	p.results.Call("push", js.ValueOf(map[string]any{
		"op": r.Op, "shape": r.Shape,
		"nmse": r.NMSE, "maxAbs": r.MaxAbs, "tol": r.Tol,
		"pass": r.Pass, "error": errText, "ms": ms,
	}))
}

func (p *page) setDone(passed, failed int, summary string) {
	p.state.Set("passed", passed)
	p.state.Set("failed", failed)
	p.state.Set("summary", summary)
	p.summary.Set("textContent", summary)
	cls := "ok"
	if failed > 0 {
		cls = "bad"
	}
	p.summary.Set("className", cls)
	p.body.Get("dataset").Set("selftest", "done")
}

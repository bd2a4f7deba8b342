//go:build js

package main

import (
	"net/url"
	"syscall/js"
)

// dom binds a page's elements and listeners; each page's UI embeds one.
type dom struct {
	doc   js.Value
	state js.Value  // window.genplay: machine-readable state for tests and embedders
	funcs []js.Func // kept for the page's lifetime
}

func newDOM() dom {
	g := js.Global()
	d := dom{doc: g.Get("document"), state: g.Get("genplay")}
	if d.state.Type() != js.TypeObject {
		d.state = g.Get("Object").New()
		g.Set("genplay", d.state)
	}
	return d
}

func (d *dom) el(id string) js.Value { return d.doc.Call("getElementById", id) }

// on adds a listener to the element id (when present).
func (d *dom) on(id, event string, fn func(ev js.Value)) {
	el := d.el(id)
	if el.IsNull() {
		return
	}
	d.listen(el, event, fn)
}

func (d *dom) listen(target js.Value, event string, fn func(ev js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		fn(arg0(args))
		return nil
	})
	d.funcs = append(d.funcs, f)
	target.Call("addEventListener", event, f)
}

// softwareHint follows the #backend line with a link to this page on the
// CPU path, for a software WebGPU adapter (SwiftShader emulates a GPU on
// the CPU). On a 2-core machine the CPU path ran a UNet step in 450-550 ms
// against SwiftShader's 960-1220, decoded text as fast, and compiled no
// kernels (BENCHMARKS.md); with many cores SwiftShader may catch up, so it
// is a link, not a switch.
func (d *dom) softwareHint() {
	el := d.el("backend")
	if el.IsNull() {
		return
	}
	a := d.doc.Call("createElement", "a")
	a.Set("id", "use-cpu")
	a.Set("href", onCPU())
	// The page's address follows its settings: take them as they are now.
	d.listen(a, "click", func(js.Value) { a.Set("href", onCPU()) })
	a.Set("textContent", "the CPU path")
	el.Call("append", " · a software adapter, which emulates a GPU on the CPU: ", a, " may be faster on this machine")
	d.state.Set("softwareAdapter", true)
}

// onCPU is this page's address with backend=cpu.
func onCPU() string {
	loc, err := url.Parse(js.Global().Get("location").Get("href").String())
	if err != nil {
		return "?backend=cpu"
	}
	q := loc.Query()
	q.Set("backend", "cpu")
	loc.RawQuery = q.Encode()
	return loc.String()
}

// messageSettings reads a postMessage command's settings object
// ({type, settings: {key: value, ...}}) as form fields, or nil without one.
func messageSettings(msg js.Value) url.Values {
	s := msg.Get("settings")
	if s.Type() != js.TypeObject {
		return nil
	}
	fields := url.Values{}
	keys := js.Global().Get("Object").Call("keys", s)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		fields.Set(k, js.Global().Get("String").Invoke(s.Get(k)).String())
	}
	return fields
}

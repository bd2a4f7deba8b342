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

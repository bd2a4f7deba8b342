//go:build js

package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/genplay/genplay/wasm/playground"
	"github.com/genplay/genplay/weights"
)

// ui is the bridge to the HTML around the canvas (web/index.html and
// web/embed.html; elements a page lacks are skipped). It turns events into
// commands for the app and mirrors the app's state into window.genplay and
// <body data-phase>, the machine-readable state tests and hosts read.
//
// window.genplay fields: phase, model, backend, classes, weightsFromCache,
// step, total, msPerStep, frames (recorded), shown (step on the canvas),
// settings (the share-link query), message (the last refusal), error.
type ui struct {
	dom
	app *app
}

// settingKeys are the form fields read for "generate".
var settingKeys = []string{playground.KeyModel, playground.KeyClass, playground.KeySeed,
	playground.KeySteps, playground.KeySampler, playground.KeyGuidance}

func newUI(a *app) *ui {
	u := &ui{dom: newDOM(), app: a}
	u.state.Set("embed", a.embed)
	u.bind()
	return u
}

func (u *ui) bind() {
	a := u.app
	click := func(id, kind string) {
		u.on(id, "click", func(js.Value) { a.send(command{kind: kind}) })
	}
	u.on("controls", "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		a.send(command{kind: "generate", fields: u.form(settingKeys)})
	})
	for _, k := range settingKeys {
		u.on("f-"+k, "change", func(js.Value) { a.send(command{kind: "set", fields: u.form([]string{k})}) })
	}
	click("random-seed", "random")
	click("pause", "pause")
	click("resume", "resume")
	click("step", "step")
	click("stop", "stop")
	click("play", "toggle")
	click("export-png", "png")
	click("export-gif", "gif")
	click("cpu-offer", "cpu")
	u.on("branch", "click", func(js.Value) {
		a.send(command{kind: "branch", fields: u.form([]string{playground.KeyBSeed, playground.KeyBSampler, playground.KeyBGuidance})})
	})
	u.on("timeline", "input", func(ev js.Value) {
		if n, err := strconv.Atoi(ev.Get("target").Get("value").String()); err == nil {
			a.send(command{kind: "seek", step: n})
		}
	})
	u.on("copy-link", "click", func(js.Value) {
		if link := u.el("share-link"); !link.IsNull() {
			link.Call("select")
			if c := js.Global().Get("navigator").Get("clipboard"); c.Type() == js.TypeObject {
				c.Call("writeText", link.Get("value"))
			}
		}
	})
	u.listen(u.doc, "keydown", u.key)
	u.listen(js.Global(), "message", u.receive)
}

// key handles the keyboard shortcuts: Space pause/resume (or generate),
// "s" one step, Escape stop, arrows scrub. Keys typed into a text field stay
// there.
func (u *ui) key(ev js.Value) {
	tag := ev.Get("target").Get("tagName").String()
	typ := ev.Get("target").Get("type")
	if tag == "SELECT" || tag == "TEXTAREA" || (tag == "INPUT" && !(typ.Type() == js.TypeString && typ.String() == "range")) {
		return
	}
	if tag == "BUTTON" && ev.Get("key").String() == " " {
		return // Space presses the focused button itself
	}
	if ev.Get("ctrlKey").Bool() || ev.Get("metaKey").Bool() || ev.Get("altKey").Bool() {
		return
	}
	a := u.app
	switch ev.Get("key").String() {
	case " ":
		a.send(command{kind: "toggle"})
	case "s":
		a.send(command{kind: "step"})
	case "Escape":
		a.send(command{kind: "stop"})
	case "ArrowLeft", "ArrowRight":
		if tag == "INPUT" {
			return // the focused range slider moves itself
		}
		d := 1
		if ev.Get("key").String() == "ArrowLeft" {
			d = -1
		}
		shown := u.state.Get("shown")
		if shown.Type() == js.TypeNumber {
			a.send(command{kind: "seek", step: shown.Int() + d})
		}
	default:
		return
	}
	ev.Call("preventDefault")
}

// receive handles the embed API's postMessage commands:
// {type: "generate", settings?: {class, seed, ...}}, {type: "pause"},
// {type: "resume"}, {type: "step"}, {type: "stop"}, {type: "seek", step},
// {type: "set", settings}.
func (u *ui) receive(ev js.Value) {
	d := ev.Get("data")
	if d.Type() != js.TypeObject || d.Get("type").Type() != js.TypeString {
		return
	}
	c := command{kind: d.Get("type").String()}
	switch c.kind {
	case "generate", "set":
		c.fields = messageSettings(d)
		if c.kind == "set" && c.fields == nil {
			return
		}
	case "seek":
		st := d.Get("step")
		if st.Type() != js.TypeNumber {
			u.post("error", map[string]any{"message": "seek needs a numeric step"})
			return
		}
		c.step = st.Int()
	case "pause", "resume", "step", "stop":
	default:
		return // not ours
	}
	u.app.send(c)
}

// form reads the named controls (ids "f-KEY"); missing ones are left out.
func (u *ui) form(keys []string) url.Values {
	v := url.Values{}
	for _, k := range keys {
		el := u.el("f-" + k)
		if el.IsNull() {
			continue
		}
		v.Set(k, el.Get("value").String())
	}
	return v
}

func (u *ui) setField(key, value string) {
	if el := u.el("f-" + key); !el.IsNull() {
		el.Set("value", value)
	}
}

func (u *ui) showSettings(s playground.Settings) {
	q := s.Query()
	for _, k := range settingKeys {
		if k != playground.KeyModel || s.Model != "" {
			u.setField(k, q.Get(k))
		}
	}
	for _, k := range []string{playground.KeyBSeed, playground.KeyBSampler, playground.KeyBGuidance} {
		if v := q.Get(k); v != "" {
			u.setField(k, v)
		}
	}
}

// query is the page's URL query.
func (u *ui) query() url.Values {
	q, err := url.ParseQuery(strings.TrimPrefix(js.Global().Get("location").Get("search").String(), "?"))
	if err != nil {
		u.message("The link's query is malformed: " + err.Error())
		return url.Values{}
	}
	return q
}

// setURL makes the address bar (and the share link) name s.
func (u *ui) setURL(s playground.Settings) {
	q := s.Query()
	loc := js.Global().Get("location")
	if u.app.embed {
		// Keep the embed's own switches; the link opens the full page.
		for _, k := range []string{"autoplay", "backend"} {
			if v := u.app.query.Get(k); v != "" {
				q.Set(k, v)
			}
		}
	} else if v := u.app.query.Get("backend"); v != "" {
		q.Set("backend", v)
	}
	enc := q.Encode()
	js.Global().Get("history").Call("replaceState", nil, "", loc.Get("pathname").String()+"?"+enc)
	u.state.Set("settings", enc)
	if el := u.el("share-link"); !el.IsNull() {
		// The shared link generates on opening, so it shows the image.
		el.Set("value", loc.Get("href").String()+"&autoplay=1")
	}
	if el := u.el("open-link"); !el.IsNull() {
		el.Set("href", "index.html?"+s.Query().Encode())
	}
}

func (u *ui) setModels(models []weights.ModelEntry) {
	sel := u.el("f-" + playground.KeyModel)
	if sel.IsNull() {
		return
	}
	sel.Set("textContent", "")
	for _, e := range models {
		o := u.doc.Call("createElement", "option")
		o.Set("value", e.ID)
		o.Set("textContent", fmt.Sprintf("%s (%s)", e.ID, mib(e.Bytes)))
		sel.Call("appendChild", o)
	}
	sel.Set("value", u.app.entry.ID)
	u.state.Set("model", u.app.entry.ID)
}

func (u *ui) setClasses(names []string) {
	u.state.Set("classes", js.ValueOf(toAny(names)))
	list := u.el("classes")
	if list.IsNull() {
		return
	}
	list.Set("textContent", "")
	for _, n := range names {
		o := u.doc.Call("createElement", "option")
		o.Set("value", n)
		list.Call("appendChild", o)
	}
}

func (u *ui) setBackend(name string) {
	u.state.Set("backend", name)
	u.text("backend", "Running on "+name)
}

func (u *ui) set(key string, v any) { u.state.Set(key, v) }

func (u *ui) text(id, s string) {
	if el := u.el(id); !el.IsNull() {
		el.Set("textContent", s)
	}
}

// setPhase updates the phase and which buttons apply.
func (u *ui) setPhase(p string) {
	u.state.Set("phase", p)
	u.doc.Get("body").Get("dataset").Set("phase", p)
	running := p == phaseRunning || p == phasePaused
	ready := p != phaseLoading && p != phaseError && p != phaseNeedCPU
	u.enable("generate", ready)
	u.enable("pause", p == phaseRunning)
	u.enable("resume", p == phasePaused)
	u.enable("step", ready)
	u.enable("stop", running)
	u.enable("play", ready)
	u.enable("branch", ready && !running || p == phasePaused)
	u.enable("export-png", p == phaseDone)
	u.enable("export-gif", ready && p != phaseReady)
	if el := u.el("play"); !el.IsNull() {
		label := "▶ Generate"
		switch p {
		case phaseRunning:
			label = "❚❚ Pause"
		case phasePaused:
			label = "▶ Resume"
		}
		el.Set("textContent", label)
	}
}

func (u *ui) enable(id string, on bool) {
	if el := u.el(id); !el.IsNull() {
		el.Set("disabled", !on)
	}
}

// message shows (or, with "", clears) a refusal or hint next to the controls.
func (u *ui) message(s string) {
	u.state.Set("message", s)
	u.text("message", s)
}

// notice shows a warning that does not stop the app.
func (u *ui) notice(s string) { u.text("notice", s) }

// offerCPU explains that WebGPU is missing and shows the CPU button.
func (u *ui) offerCPU(msg string) {
	u.notice(msg)
	if el := u.el("cpu-offer"); !el.IsNull() {
		el.Set("hidden", false)
		el.Call("focus")
	}
}

// cpuAccepted hides the CPU button once the user chose the CPU path.
func (u *ui) cpuAccepted() {
	if el := u.el("cpu-offer"); !el.IsNull() {
		el.Set("hidden", true)
	}
	if el := u.el("generate"); !el.IsNull() {
		el.Call("focus")
	}
}

// fatal reports what failed and how to fix it; the app stops.
func (u *ui) fatal(msg, fix string) {
	u.state.Set("error", msg)
	u.text("error", msg)
	u.text("fix", fix)
	u.doc.Get("body").Get("dataset").Set("phase", phaseError)
}

// loadProgress drives the download bar (bytes done of total).
func (u *ui) loadProgress(label string, done, total float64) {
	u.text("weights-label", label)
	if bar := u.el("weights-progress"); !bar.IsNull() {
		if total > 0 {
			bar.Set("value", min(done/total, 1))
		} else {
			bar.Call("removeAttribute", "value")
		}
	}
}

// stepProgress shows a finished step: i of n, its time, and the timeline.
func (u *ui) stepProgress(step, total, t int, ms float64, frames, shown int) {
	u.state.Set("step", step)
	u.state.Set("total", total)
	u.state.Set("msPerStep", ms)
	u.state.Set("frames", frames)
	u.state.Set("shown", shown)
	u.text("run-label", fmt.Sprintf("step %d/%d · %.0f ms/step", step, total, ms))
	if bar := u.el("run-progress"); !bar.IsNull() {
		bar.Set("max", total)
		bar.Set("value", step)
	}
	u.timeline(shown, frames)
	if shown == frames {
		u.text("timeline-label", fmt.Sprintf("showing step %d of %d (t=%d)", step, total, t))
	}
}

// shown reports a scrub: step (1-based) of the frames recorded.
func (u *ui) shown(step, frames int, f playground.Frame) {
	u.state.Set("shown", step)
	u.state.Set("frames", frames)
	u.timeline(step, frames)
	u.text("timeline-label", fmt.Sprintf("showing step %d of %d (t=%d)", f.Step, f.Total, f.T))
}

func (u *ui) timeline(shown, frames int) {
	if el := u.el("timeline"); !el.IsNull() {
		el.Set("max", max(1, frames))
		el.Set("value", shown)
		el.Set("disabled", frames == 0)
	}
}

// post sends an embed event to the page holding the iframe.
func (u *ui) post(kind string, data map[string]any) {
	if !u.app.embed {
		return
	}
	g := js.Global()
	parent := g.Get("parent")
	if parent.IsUndefined() || parent.Equal(g) {
		return
	}
	msg := map[string]any{"source": "genplay", "type": kind}
	for k, v := range data {
		msg[k] = v
	}
	parent.Call("postMessage", msg, "*")
}

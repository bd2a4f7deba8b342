//go:build js

package main

import (
	"fmt"
	"net/url"
	"strings"
	"syscall/js"
	"time"

	"github.com/genplay/genplay/models/text"
	"github.com/genplay/genplay/wasm/textplay"
	"github.com/genplay/genplay/weights"
)

// textUI is the bridge to web/text.html. It mirrors the page's state into
// window.genplay, which tests and web/text.js (the hover table) read:
// phase, model, contextLength, backend, settings, message, notice, error, text (the
// streamed continuation), steps ([{id, text, cands: [{id, text, p}]}] per
// generated token), ttftMs, tokPerS, attention {layer, head, n}.
type textUI struct {
	dom
	app *textApp
	out []byte // the streamed continuation

	// Generated tokens' spans and the stats line wait here and reach the
	// page at most every refresh (see flush; 0: each token as it comes).
	pending js.Value // a DocumentFragment of spans
	stats   string
	flushed time.Time
	refresh time.Duration
}

// softwareTokensRefresh is how often, at most, generated tokens reach the
// page on a software adapter. Each change of the page is a compositor
// frame, and on SwiftShader each frame's swap runs on Chromium's GPU main
// thread, which also runs the WebGPU commands: with a frame a token, the
// page decoded 58-72 tokens/s, with one every 100 ms 82-105
// (BENCHMARKS.md, "The pages' presents"). window.genplay still gets each
// token as it comes.
const softwareTokensRefresh = 100 * time.Millisecond

func newTextUI(a *textApp) *textUI {
	u := &textUI{dom: newDOM(), app: a}
	u.state.Set("steps", js.Global().Get("Array").New())
	u.bind()
	return u
}

func (u *textUI) bind() {
	a := u.app
	u.on("controls", "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		// The model select applies on change; a model opened from disk
		// leaves it showing a manifest model that must not replace it.
		a.send(textCmd{kind: "generate", fields: u.form(textplay.Keys[1:])})
	})
	for _, k := range textplay.Keys {
		if k == textplay.KeyPrompt {
			continue // read on Generate: every keystroke is not a setting change
		}
		u.on("f-"+k, "change", func(js.Value) { a.send(textCmd{kind: "set", fields: u.form([]string{k})}) })
	}
	u.on("stop", "click", func(js.Value) { a.send(textCmd{kind: "stop"}) })
	u.on("f-file", "change", func(ev js.Value) {
		files := ev.Get("target").Get("files")
		if files.Get("length").Int() > 0 {
			a.send(textCmd{kind: "file", file: files.Index(0)})
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
	u.listen(js.Global(), "message", u.receive)
}

// receive handles the postMessage API, the diffusion embed's scheme:
// {type: "generate", settings?: {prompt, seed, n, ...}}, {type: "set",
// settings}, {type: "stop"}. Events go back with post.
func (u *textUI) receive(ev js.Value) {
	d := ev.Get("data")
	if d.Type() != js.TypeObject || d.Get("type").Type() != js.TypeString {
		return
	}
	c := textCmd{kind: d.Get("type").String()}
	switch c.kind {
	case "generate", "set":
		c.fields = messageSettings(d)
		if c.kind == "set" && c.fields == nil {
			return
		}
	case "stop":
	default:
		return // not ours
	}
	u.app.send(c)
}

// post sends an event {source: "genplay", type, ...} to the page holding
// this one in an <iframe>; it does nothing in a top-level window.
func (u *textUI) post(kind string, data map[string]any) {
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

// form reads the named controls (ids "f-KEY"); a checkbox gives 1 or 0.
func (u *textUI) form(keys []string) url.Values {
	v := url.Values{}
	for _, k := range keys {
		el := u.el("f-" + k)
		if el.IsNull() {
			continue
		}
		if el.Get("type").String() == "checkbox" {
			v.Set(k, map[bool]string{true: "1", false: "0"}[el.Get("checked").Bool()])
			continue
		}
		v.Set(k, el.Get("value").String())
	}
	return v
}

func (u *textUI) showSettings(s textplay.Settings) {
	q := s.Query()
	for _, k := range textplay.Keys {
		el := u.el("f-" + k)
		if el.IsNull() || k == textplay.KeyModel {
			continue
		}
		if el.Get("type").String() == "checkbox" {
			el.Set("checked", q.Get(k) == "1")
			continue
		}
		el.Set("value", q.Get(k))
	}
	if s.Model != "" {
		u.el("f-"+textplay.KeyModel).Set("value", s.Model)
	}
}

func (u *textUI) query() url.Values {
	search := js.Global().Get("location").Get("search").String()
	if len(search) > 0 && search[0] == '?' {
		search = search[1:]
	}
	q, err := url.ParseQuery(search)
	if err != nil {
		u.message("The link's query could not be read: " + err.Error())
	}
	return q
}

// setURL makes the address bar (and the share link) name s.
func (u *textUI) setURL(s textplay.Settings) {
	q := s.Query()
	if v := u.app.query.Get("backend"); v != "" {
		q.Set("backend", v)
	}
	enc := q.Encode()
	loc := js.Global().Get("location")
	js.Global().Get("history").Call("replaceState", nil, "", loc.Get("pathname").String()+"?"+enc)
	u.state.Set("settings", enc)
	if el := u.el("share-link"); !el.IsNull() {
		link := loc.Get("href").String() + "&autoplay=1"
		if s.Model == "" {
			link = "(a model opened from this computer cannot be shared by a link)"
		}
		el.Set("value", link)
	}
}

func (u *textUI) setModels(models []weights.ModelEntry) {
	sel := u.el("f-" + textplay.KeyModel)
	sel.Set("textContent", "")
	for _, e := range models {
		o := u.doc.Call("createElement", "option")
		o.Set("value", e.ID)
		o.Set("textContent", fmt.Sprintf("%s (%s)", e.ID, mib(e.Bytes)))
		sel.Call("appendChild", o)
	}
}

func (u *textUI) setModelInfo(name string, c text.Config) {
	u.state.Set("model", name)
	u.state.Set("contextLength", c.ContextLength)
	u.text("model-info", fmt.Sprintf("%s: %s, %d layers, %d heads, context %d, vocabulary %d",
		name, c.Arch, c.Layers, c.Heads, c.ContextLength, c.VocabSize))
	for _, f := range []struct {
		key string
		n   int
	}{{textplay.KeyLayer, c.Layers}, {textplay.KeyHead, c.Heads}} {
		if el := u.el("f-" + f.key); !el.IsNull() {
			el.Set("max", f.n-1)
		}
	}
}

func (u *textUI) setBackend(name string) {
	u.state.Set("backend", name)
	u.text("backend", "Running on "+name)
}

func (u *textUI) text(id, s string) {
	if el := u.el(id); !el.IsNull() {
		el.Set("textContent", s)
	}
}

func (u *textUI) setPhase(p string) {
	u.state.Set("phase", p)
	u.doc.Get("body").Get("dataset").Set("phase", p)
	ready := p != phaseLoading && p != phaseError
	for _, id := range []string{"generate", "f-file", "f-model"} {
		if el := u.el(id); !el.IsNull() {
			el.Set("disabled", !ready || p == phaseRunning)
		}
	}
	if el := u.el("stop"); !el.IsNull() {
		el.Set("disabled", p != phaseRunning)
	}
}

func (u *textUI) message(s string) {
	u.state.Set("message", s)
	u.text("message", s)
}

func (u *textUI) notice(s string) {
	u.state.Set("notice", s)
	u.text("notice", s)
}

func (u *textUI) fatal(msg, fix string) {
	u.state.Set("error", msg)
	u.text("error", msg)
	u.text("fix", fix)
}

func (u *textUI) loadProgress(label string, done, total float64) {
	u.text("weights-label", label)
	if el := u.el("weights-progress"); !el.IsNull() && total > 0 {
		el.Set("value", min(done/total, 1))
	}
}

// clearOutput starts a new run's output with the prompt.
func (u *textUI) clearOutput(prompt string) {
	u.out = u.out[:0]
	u.state.Set("text", "")
	u.state.Set("steps", js.Global().Get("Array").New())
	u.state.Set("ttftMs", js.Null())
	u.state.Set("tokPerS", js.Null())
	u.text("stats", "")
	u.pending, u.stats, u.flushed = js.Undefined(), "", time.Time{}
	out := u.el("output")
	out.Set("textContent", "")
	p := u.doc.Call("createElement", "span")
	p.Set("className", "prompt")
	p.Set("textContent", prompt)
	out.Call("appendChild", p)
}

// appendText records streamed bytes (the text the CLI prints).
func (u *textUI) appendText(b []byte) {
	u.out = append(u.out, b...)
	u.state.Set("text", string(u.out))
}

func (u *textUI) generated() string { return string(u.out) }

// stepCount returns how many tokens the last run generated.
func (u *textUI) stepCount() int { return u.state.Get("steps").Length() }

// addToken shows a generated token as a span web/text.js can hover, and
// records its candidates in window.genplay.steps.
func (u *textUI) addToken(i int, id int32, piece string, cands []candidate) {
	cs := make([]any, len(cands))
	for j, c := range cands {
		cs[j] = map[string]any{"id": int(c.id), "text": c.text, "p": c.p}
	}
	u.state.Get("steps").Call("push", map[string]any{"id": int(id), "text": piece, "cands": cs})
	sp := u.doc.Call("createElement", "span")
	sp.Set("className", "tok")
	sp.Get("dataset").Set("i", i)
	// A newline token would be an empty box nobody can point at: mark it.
	sp.Set("textContent", strings.ReplaceAll(piece, "\n", "↵\n"))
	if u.pending.IsUndefined() {
		u.pending = u.doc.Call("createDocumentFragment")
	}
	u.pending.Call("appendChild", sp)
}

func (u *textUI) setStats(n int, first time.Duration, rate float64) {
	ms := float64(first.Microseconds()) / 1000
	u.state.Set("ttftMs", ms)
	s := fmt.Sprintf("%d tokens · first token after %.0f ms", n, ms)
	if rate > 0 {
		u.state.Set("tokPerS", rate)
		s += fmt.Sprintf(" · %.1f tokens/s", rate)
	}
	u.stats = s
	u.flush(false)
}

// flush puts the waiting tokens and stats on the page: now with force (a
// run's end), else if refresh has passed since the last time.
func (u *textUI) flush(force bool) {
	if !force && time.Since(u.flushed) < u.refresh {
		return
	}
	if !u.pending.IsUndefined() {
		u.el("output").Call("appendChild", u.pending)
		u.pending = js.Undefined()
	}
	u.text("stats", u.stats)
	u.flushed = time.Now()
}

func (u *textUI) setAttention(layer, head, n int) {
	u.state.Set("attention", map[string]any{"layer": layer, "head": head, "n": n})
}

//go:build js

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/webgpu"
	"github.com/genplay/genplay/models/text"
	"github.com/genplay/genplay/wasm/textplay"
	"github.com/genplay/genplay/weights"
)

// The text page (web/text.html): pick a model (or open a .gguf from this
// computer), continue a prompt with streamed tokens, inspect each token's
// candidates and one attention head. Its phases (window.genplay.phase and
// <body data-phase>) are the diffusion page's: loading, ready, running,
// done, stopped, error.

// textCmd is one request from the page, handled in order by textApp.loop.
type textCmd struct {
	kind   string     // generate, set, stop, model, file, finished
	fields url.Values // generate, set: settings fields
	file   js.Value   // file: a File from <input type=file>
	run    int        // finished: the run's id
	err    error      // finished: how it ended
	ids    []int32    // finished: prompt and generated tokens
	prompt int        // finished: how many of ids are the prompt
}

type textApp struct {
	ui      *textUI
	view    *heatmap
	cmds    chan textCmd
	query   url.Values
	models  []weights.ModelEntry
	backend kernels.Backend
	onCPU   bool
	maxBuf  int64 // the device's largest storage buffer (0 on the CPU)

	profiler *profiler // the "Kernel profile" panel

	model    *text.Model
	name     string // the loaded model's id or file name
	settings textplay.Settings
	phase    string

	runID     int
	runCancel context.CancelFunc
	runDone   chan struct{}
	ids       []int32 // the last run's prompt and generated tokens, for re-probing
	promptN   int     // how many of ids are the prompt
}

func runTextPage() {
	a := &textApp{cmds: make(chan textCmd, 256), phase: phaseLoading}
	a.ui = newTextUI(a)
	a.profiler = newProfiler(&a.ui.dom, a.ui.query(), "token")
	a.view = newHeatmap()
	go a.loop()
	drawOnChange()
	if err := ebiten.RunGame(a.view); err != nil {
		a.ui.fatal("the canvas stopped: "+err.Error(), "")
		log.Print(err)
	}
}

// send queues a command without blocking (JS callbacks must not block).
func (a *textApp) send(c textCmd) {
	select {
	case a.cmds <- c:
	default:
		a.ui.message("busy: too many requests queued; try again")
	}
}

func (a *textApp) setPhase(p string) {
	a.phase = p
	a.ui.setPhase(p)
}

func (a *textApp) loop() {
	a.query = a.ui.query()
	s, err := textplay.Defaults().Apply(a.query, nil)
	if err != nil {
		a.ui.message("The link's settings were refused, the defaults are used instead: " + err.Error())
		s = textplay.Defaults()
	}
	a.settings = s
	a.ui.showSettings(s)
	if err := a.boot(); err != nil {
		a.setPhase(phaseError)
		a.ui.fatal(err.Error(), fixWeights)
		a.ui.post("error", map[string]any{"message": err.Error()})
		return
	}
	a.ready()
	if a.query.Get("autoplay") == "1" {
		a.send(textCmd{kind: "generate"})
	}
	for c := range a.cmds {
		a.handle(c)
	}
}

// boot picks the backend and loads the link's (or the first) text model.
func (a *textApp) boot() error {
	a.setPhase(phaseLoading)
	models, err := fetchManifest("text")
	if err != nil {
		return err
	}
	a.models = models
	a.ui.setModels(models)
	if a.query.Get("backend") == "cpu" {
		a.backend = cpuBackend()
	} else if b, err := webgpu.New(); err == nil {
		a.backend = b
		l := b.Limits()
		a.maxBuf = int64(min(l.MaxStorageBufferBindingSize, l.MaxBufferSize))
	} else {
		a.ui.notice(fmt.Sprintf("This browser has no usable WebGPU (%v); running on the CPU (same text, slower).", err))
		a.backend = cpuBackend()
	}
	wb, gpu := a.backend.(*webgpu.Backend)
	a.onCPU = !gpu
	a.ui.setBackend(a.backend.Name())
	if gpu && wb.Software() {
		a.view.refreshEvery(softwareRefresh)
		a.ui.refresh = softwareTokensRefresh
		a.ui.softwareHint()
	}
	e, err := pickModel(models, a.settings.Model)
	if err != nil {
		a.ui.message("The link's model was refused: " + err.Error())
		e, a.settings.Model = models[0], ""
	}
	return a.loadEntry(e)
}

// loadEntry downloads (or takes from the cache) a manifest model and loads it.
func (a *textApp) loadEntry(e weights.ModelEntry) error {
	a.ui.loadProgress("Downloading "+e.ID, 0, float64(e.Bytes))
	f, fromCache, err := loadWeights(e, func(done, total float64) { a.ui.loadProgress("Downloading "+e.ID, done, total) })
	if err != nil {
		return fmt.Errorf("loading the model %s failed: %w", e.ID, err)
	}
	src := "downloaded"
	if fromCache {
		src = "from the browser cache"
	}
	what := fmt.Sprintf("%s: %s, %s", e.ID, mib(e.Bytes), src)
	a.ui.loadProgress(what, 1, 1)
	if err := a.use(e.ID, f, what); err != nil {
		return err
	}
	a.settings.Model = e.ID
	return nil
}

// loadFile reads a .gguf (or .gguf.zst) the user picked; the bytes stay in
// this page. A file the device cannot hold is refused before it is read.
func (a *textApp) loadFile(file js.Value) error {
	name, size := file.Get("name").String(), int64(file.Get("size").Float())
	if err := textplay.Fits(name, size, textplay.WasmMemoryLimit); err != nil {
		return err
	}
	a.ui.loadProgress("Reading "+name+" from this computer", 0, float64(size))
	buf, err := await(file.Call("arrayBuffer"))
	if err != nil {
		return fmt.Errorf("reading %s: %v", name, err)
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, arr.Get("length").Int())
	js.CopyBytesToGo(b, arr)
	f, err := weights.Read(bytes.NewReader(b), weights.WithSize(int64(len(b))))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var largest int64
	for i := range f.Tensors {
		largest = max(largest, int64(len(f.Tensors[i].Data)))
	}
	if err := textplay.FitsParsed(name, largest, f.TotalBytes(), a.maxBuf, textplay.WasmMemoryLimit); err != nil {
		return err
	}
	what := fmt.Sprintf("%s: %s, from this computer", name, mib(size))
	a.ui.loadProgress(what, 1, 1)
	if err := a.use(name, f, what); err != nil {
		return err
	}
	a.settings.Model = "" // a local file cannot be shared by a link
	return nil
}

// use loads f onto the backend in place of the current model and compiles
// its GPU kernels; what is the model's line in the load progress.
func (a *textApp) use(name string, f *weights.File, what string) error {
	m, err := text.Load(a.backend, f)
	if err != nil {
		return fmt.Errorf("the model %s does not load: %w", name, err)
	}
	if err := precompile(&a.ui.dom, a.backend, m.Rehearse, what, a.ui.loadProgress); err != nil {
		m.Close()
		return fmt.Errorf("the model %s: %w", name, err)
	}
	if a.model != nil {
		a.model.Close()
	}
	a.model, a.name, a.ids = m, name, nil
	c := m.Config
	// Keep the heatmap's layer and head inside the new model.
	a.settings.Layer, a.settings.Head = min(a.settings.Layer, c.Layers-1), min(a.settings.Head, c.Heads-1)
	a.ui.setModelInfo(name, c)
	return nil
}

func (a *textApp) ready() {
	c := a.model.Config
	a.ui.showSettings(a.settings)
	a.ui.setURL(a.settings)
	a.setPhase(phaseReady)
	a.ui.post("ready", map[string]any{"model": a.name, "backend": a.backend.Name(),
		"layers": c.Layers, "heads": c.Heads, "context": c.ContextLength})
}

func (a *textApp) running() bool { return a.phase == phaseRunning }

func (a *textApp) handle(c textCmd) {
	if a.model == nil && c.kind != "finished" {
		return
	}
	switch c.kind {
	case "set":
		if a.apply(c.fields) && !a.running() && (c.fields.Has(textplay.KeyLayer) || c.fields.Has(textplay.KeyHead)) {
			a.reprobe()
		}
	case "generate":
		if c.fields != nil && !a.apply(c.fields) {
			return
		}
		a.start()
	case "stop":
		if a.running() {
			a.stopRun()
			a.setPhase(phaseStopped)
			a.ui.message("Stopped.")
			a.ui.post("done", map[string]any{"stopped": true, "text": a.ui.generated()})
		}
	case "model", "file":
		a.stopRun()
		a.setPhase(phaseLoading)
		var err error
		if c.kind == "file" {
			err = a.loadFile(c.file)
		} else if e, perr := pickModel(a.models, c.fields.Get(textplay.KeyModel)); perr != nil {
			err = perr
		} else {
			err = a.loadEntry(e)
		}
		if err != nil {
			a.ui.message(err.Error())
			a.ui.post("error", map[string]any{"message": err.Error()})
			a.ui.loadProgress("Still using "+a.name, 1, 1)
		}
		a.ready()
	case "finished":
		a.finished(c)
	}
}

// apply validates fields against the current settings; bad input is
// reported with the valid range and changes nothing.
func (a *textApp) apply(fields url.Values) bool {
	if m := fields.Get(textplay.KeyModel); m != "" && !a.isModel(m) {
		a.send(textCmd{kind: "model", fields: url.Values{textplay.KeyModel: {m}}})
		fields = cloneWithout(fields, textplay.KeyModel)
	}
	c := a.model.Config
	s, err := a.settings.Apply(cloneWithout(fields, textplay.KeyModel), &c)
	if err != nil {
		a.ui.message(err.Error())
		a.ui.showSettings(a.settings)
		a.ui.post("error", map[string]any{"message": err.Error()})
		return false
	}
	a.ui.message("")
	a.settings = s
	a.ui.setURL(s)
	return true
}

// isModel says whether name (an id or alias) is the loaded manifest model.
func (a *textApp) isModel(name string) bool {
	e, err := pickModel(a.models, name)
	return err == nil && e.ID == a.settings.Model
}

func cloneWithout(v url.Values, key string) url.Values {
	out := url.Values{}
	for k, x := range v {
		if k != key {
			out[k] = x
		}
	}
	return out
}

// stopRun cancels the current run and waits for its goroutine.
func (a *textApp) stopRun() {
	if a.runCancel == nil {
		return
	}
	a.runCancel()
	<-a.runDone
	a.runCancel = nil
}

func (a *textApp) finished(c textCmd) {
	if c.run != a.runID {
		return
	}
	a.runCancel = nil
	a.ui.flush(true)
	a.ids, a.promptN = c.ids, c.prompt
	switch {
	case c.err == nil:
		a.setPhase(phaseDone)
		a.ui.post("done", map[string]any{"text": a.ui.generated(), "tokens": a.ui.stepCount()})
		a.reprobe() // the probe missed the last token's own row
	case errors.Is(c.err, context.Canceled):
	default:
		a.setPhase(phaseStopped)
		a.ui.message("The run failed: " + c.err.Error())
		a.ui.post("error", map[string]any{"message": c.err.Error()})
	}
}

// reprobe recomputes the heatmap of the last run's tokens for the chosen
// layer and head: one forward pass over them with a probe.
func (a *textApp) reprobe() {
	if len(a.ids) == 0 {
		return
	}
	p := &text.AttentionProbe{Layer: a.settings.Layer, Head: a.settings.Head}
	cache := a.model.NewCache()
	defer cache.Reset()
	cache.SetProbe(p)
	ids := a.ids[:min(len(a.ids), a.model.Config.ContextLength)]
	if _, err := a.model.Forward(ids, cache); err != nil || p.Err != nil {
		a.ui.message(fmt.Sprintf("The attention map could not be computed: %v %v", err, p.Err))
		return
	}
	a.showAttention(p, a.promptN, false)
}

func (a *textApp) showAttention(p *text.AttentionProbe, prompt int, live bool) {
	a.view.show(p.Rows, prompt, fmt.Sprintf("%s  layer %d head %d", a.name, p.Layer, p.Head), live)
	a.ui.setAttention(p.Layer, p.Head, len(p.Rows))
}

// yieldCPU gives the browser a frame: the CPU path computes without
// returning to the event loop.
func (a *textApp) yieldCPU() {
	if a.onCPU {
		time.Sleep(10 * time.Millisecond)
	}
}

//go:build js

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"syscall/js"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/webgpu"
	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/weights"
)

// modelsDir is where `make wasm` copies weights/manifest.json and the model
// files it lists, under web/.
const modelsDir = "models/"

// fixWeights is the advice shown with any failure to fetch or read a model.
const fixWeights = "Fix: run 'make wasm' (it copies weights/manifest.json and the model files into web/models/), " +
	"then reload. A corrupt cached copy is deleted automatically; reloading downloads it again. " +
	"If the file in weights/ itself is damaged, restore it with 'git checkout -- weights/'."

// fetchManifest reads models/manifest.json from the server and returns the
// models of one kind ("diffusion" or "text").
func fetchManifest(kind string) ([]weights.ModelEntry, error) {
	resp, err := await(js.Global().Call("fetch", modelsDir+"manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("fetching %smanifest.json: %v", modelsDir, err)
	}
	if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("%smanifest.json: HTTP %d", modelsDir, resp.Get("status").Int())
	}
	text, err := await(resp.Call("text"))
	if err != nil {
		return nil, fmt.Errorf("reading %smanifest.json: %v", modelsDir, err)
	}
	var m struct {
		Models []weights.ModelEntry `json:"models"`
	}
	if err := json.Unmarshal([]byte(text.String()), &m); err != nil {
		return nil, fmt.Errorf("%smanifest.json: %v", modelsDir, err)
	}
	var out []weights.ModelEntry
	for _, e := range m.Models {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the manifest lists no %s model", kind)
	}
	return out, nil
}

// pickModel returns the entry whose id or alias is name ("" is the first).
func pickModel(models []weights.ModelEntry, name string) (weights.ModelEntry, error) {
	if name == "" {
		return models[0], nil
	}
	var names []string
	for _, e := range models {
		if strings.EqualFold(e.ID, name) || (e.Alias != "" && strings.EqualFold(e.Alias, name)) {
			return e, nil
		}
		names = append(names, e.ID)
	}
	return weights.ModelEntry{}, fmt.Errorf("unknown model %q; choose one of: %s", name, strings.Join(names, ", "))
}

// loadWeights fetches e's file through web/weights.js (which keeps a copy
// in the Cache API), checks its hash and parses it. progress gets bytes done
// and total; fromCache reports whether the copy came from the browser cache.
func loadWeights(e weights.ModelEntry, progress func(done, total float64)) (f *weights.File, fromCache bool, err error) {
	api := js.Global().Get("genplayWeights")
	if api.Type() != js.TypeObject {
		return nil, false, errors.New("weights.js did not load")
	}
	onProgress := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) >= 2 {
			progress(args[0].Float(), args[1].Float())
		}
		return nil
	})
	defer onProgress.Release()
	url := modelsDir + e.File
	res, err := await(api.Call("load", url, e.SHA256, float64(e.Bytes), onProgress))
	if err != nil {
		return nil, false, fmt.Errorf("downloading %s: %v", url, err)
	}
	arr := res.Get("bytes")
	b := make([]byte, arr.Get("length").Int())
	js.CopyBytesToGo(b, arr)
	fromCache = res.Get("fromCache").Bool()
	f, err = weights.Read(bytes.NewReader(b), weights.WithSize(int64(len(b))), weights.WithSHA256(e.SHA256))
	if err != nil {
		// Never keep a copy that does not verify.
		api.Call("forget", url, e.SHA256)
		return nil, fromCache, fmt.Errorf("%s: %w", url, err)
	}
	return f, fromCache, nil
}

// cpuBackend is the fallback: the same ops in Go, one thread in the browser.
func cpuBackend() kernels.Backend { return kernels.NewCPU(1) }

// load fetches the manifest and the weights, picks a backend and uploads
// the model to it.
func (a *app) load() error {
	a.setPhase(phaseLoading)
	models, err := fetchManifest("diffusion")
	if err != nil {
		return err
	}
	a.models = models
	e, err := pickModel(models, a.settings.Model)
	if err != nil {
		a.ui.message("The link's model was refused: " + err.Error())
		e = models[0]
		a.settings.Model = ""
	}
	a.entry = e
	a.ui.setModels(models)
	a.ui.loadProgress(fmt.Sprintf("Downloading %s", e.ID), 0, float64(e.Bytes))
	f, fromCache, err := loadWeights(e, func(done, total float64) {
		a.ui.loadProgress(fmt.Sprintf("Downloading %s", e.ID), done, total)
	})
	a.ui.set("weightsFromCache", fromCache)
	if err != nil {
		return fmt.Errorf("loading the model %s failed: %w", e.ID, err)
	}
	src := "downloaded"
	if fromCache {
		src = "from the browser cache"
	}
	what := fmt.Sprintf("%s: %s, %s", e.ID, mib(e.Bytes), src)
	a.ui.loadProgress(what, 1, 1)

	if a.query.Get("backend") == "cpu" {
		a.backend = cpuBackend()
	} else if b, err := webgpu.New(); err == nil {
		a.backend = b
	} else {
		a.ui.set("webgpuError", err.Error())
		msg := fmt.Sprintf("This browser has no usable WebGPU (%v). Use Chrome or Edge 113+ (or enable WebGPU in the browser's settings) "+
			"for the fast path. The CPU path gives the same images, only slower.", err)
		if !a.embed {
			a.setPhase(phaseNeedCPU)
			a.ui.offerCPU(msg)
			for c := range a.cmds { // everything else waits for the answer
				if c.kind == "cpu" {
					break
				}
			}
			a.ui.cpuAccepted()
		} else {
			a.ui.notice(msg + " Running on the CPU.")
		}
		a.backend = cpuBackend()
	}
	_, gpu := a.backend.(*webgpu.Backend)
	a.onCPU = !gpu
	a.ui.setBackend(a.backend.Name())
	if wb, ok := a.backend.(*webgpu.Backend); ok && wb.Software() {
		a.ui.softwareHint()
	}
	u, err := diffusion.Load(a.backend, f)
	if err != nil {
		return fmt.Errorf("the model %s does not load: %w", e.ID, err)
	}
	if err := precompile(&a.ui.dom, a.backend, u.Rehearse, what, a.ui.loadProgress); err != nil {
		u.Close()
		return fmt.Errorf("the model %s: %w", e.ID, err)
	}
	a.unet, a.cfg = u, u.Config
	return nil
}

//go:build js

package wgpu

import (
	"fmt"
	"sync"
	"syscall/js"
)

// Device is a GPUDevice. Its sticky error (Err) records the first
// uncaptured device error or the loss of the device.
type Device struct {
	js       js.Value
	queue    *Queue
	limits   Limits
	features Features

	// Hot methods, bound once: each js.Value.Call looks the name up again.
	createBuffer    js.Value
	createBindGroup js.Value
	createEncoder   js.Value
	bufferDesc      js.Value // reused GPUBufferDescriptor
	encoderDesc     js.Value

	onLost   js.Func
	onError  js.Func
	errMu    sync.Mutex // never held while waiting on a promise
	err      error
	released bool
}

func bind(obj js.Value, method string) js.Value {
	return obj.Get(method).Call("bind", obj)
}

func newDevice(v js.Value) *Device {
	d := &Device{
		js:              v,
		limits:          readLimits(v.Get("limits")),
		features:        readFeatures(v.Get("features")),
		createBuffer:    bind(v, "createBuffer"),
		createBindGroup: bind(v, "createBindGroup"),
		createEncoder:   bind(v, "createCommandEncoder"),
		bufferDesc:      js.Global().Get("Object").New(),
		encoderDesc:     js.Global().Get("Object").New(),
	}
	d.queue = newQueue(v.Get("queue"))
	// device.lost settles once; the callback releases itself then.
	d.onLost = js.FuncOf(func(_ js.Value, args []js.Value) any {
		reason, msg := "unknown", ""
		if len(args) > 0 && args[0].Type() == js.TypeObject {
			reason, msg = str(args[0].Get("reason")), str(args[0].Get("message"))
		}
		d.setErr(fmt.Errorf("webgpu: device lost (reason %q): %s", reason, msg))
		d.onLost.Release()
		return nil
	})
	v.Get("lost").Call("then", d.onLost)
	d.onError = js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			if e := args[0].Get("error"); e.Type() == js.TypeObject {
				d.setErr(&GPUError{Type: errorType(e), Message: str(e.Get("message"))})
			}
		}
		return nil
	})
	if v.Get("addEventListener").Type() == js.TypeFunction {
		v.Call("addEventListener", "uncapturederror", d.onError)
	} else {
		v.Set("onuncapturederror", d.onError)
	}
	return d
}

func errorType(e js.Value) ErrorFilter {
	switch e.Get("constructor").Get("name").String() {
	case "GPUOutOfMemoryError":
		return ErrorFilterOutOfMemory
	case "GPUInternalError":
		return ErrorFilterInternal
	}
	return ErrorFilterValidation
}

func (d *Device) setErr(err error) {
	d.errMu.Lock()
	if d.err == nil {
		d.err = err
	}
	d.errMu.Unlock()
}

// Err returns the first uncaptured device error or the device loss, if any.
func (d *Device) Err() error {
	d.errMu.Lock()
	defer d.errMu.Unlock()
	return d.err
}

// Queue returns the device's queue.
func (d *Device) Queue() *Queue { return d.queue }

// Limits returns the device's limits (what was requested, or the defaults).
func (d *Device) Limits() Limits { return d.limits }

// Features returns the device's enabled features.
func (d *Device) Features() Features { return d.features }

// PushErrorScope starts capturing errors of the given kind.
func (d *Device) PushErrorScope(filter ErrorFilter) {
	d.js.Call("pushErrorScope", string(filter))
}

// PopErrorScope ends the innermost scope and returns the first error it
// captured as a *GPUError, or nil.
func (d *Device) PopErrorScope() error {
	v, err := await(d.js.Call("popErrorScope"))
	if err != nil {
		return fmt.Errorf("wgpu: popErrorScope: %w", err)
	}
	if v.IsNull() || v.IsUndefined() {
		return nil
	}
	return &GPUError{Type: errorType(v), Message: str(v.Get("message"))}
}

// CreateBuffer creates a buffer. Allocation failures surface through Err
// (or an out-of-memory error scope), as in WebGPU.
func (d *Device) CreateBuffer(desc *BufferDescriptor) (*Buffer, error) {
	o := d.bufferDesc
	o.Set("label", desc.Label)
	o.Set("size", float64(desc.Size))
	o.Set("usage", uint32(desc.Usage))
	o.Set("mappedAtCreation", desc.MappedAtCreation)
	var v js.Value
	if err := catch(func() { v = d.createBuffer.Invoke(o) }); err != nil {
		return nil, fmt.Errorf("wgpu: createBuffer %q (%d bytes): %w", desc.Label, desc.Size, err)
	}
	return &Buffer{js: v, size: desc.Size, usage: desc.Usage}, nil
}

// ShaderModule is a compiled GPUShaderModule.
type ShaderModule struct {
	js    js.Value
	label string
}

// CreateShaderModule compiles WGSL. A compile error comes back as a
// *ShaderError carrying the compiler's messages with line and column.
func (d *Device) CreateShaderModule(desc *ShaderModuleDescriptor) (*ShaderModule, error) {
	o := js.Global().Get("Object").New()
	o.Set("label", desc.Label)
	o.Set("code", desc.WGSL)
	d.PushErrorScope(ErrorFilterValidation)
	m := d.js.Call("createShaderModule", o)
	msgs := compilationMessages(m)
	scopeErr := d.PopErrorScope()
	serr := &ShaderError{Label: desc.Label, Messages: msgs}
	for _, msg := range msgs {
		if msg.Type == "error" {
			return nil, serr
		}
	}
	if scopeErr != nil {
		serr.Messages = append(serr.Messages, CompilationMessage{Type: "error", Message: scopeErr.Error()})
		return nil, serr
	}
	return &ShaderModule{js: m, label: desc.Label}, nil
}

func compilationMessages(m js.Value) []CompilationMessage {
	if m.Get("getCompilationInfo").Type() != js.TypeFunction {
		return nil
	}
	info, err := await(m.Call("getCompilationInfo"))
	if err != nil || info.Type() != js.TypeObject {
		return nil
	}
	list := info.Get("messages")
	out := make([]CompilationMessage, list.Length())
	for i := range out {
		v := list.Index(i)
		out[i] = CompilationMessage{
			Type:    str(v.Get("type")),
			Message: str(v.Get("message")),
			Line:    v.Get("lineNum").Int(),
			Column:  v.Get("linePos").Int(),
		}
	}
	return out
}

// ComputePipelineDescriptor is GPUComputePipelineDescriptor; a nil Layout
// is "auto". Constants sets pipeline-overridable constants (WGSL
// `override`).
type ComputePipelineDescriptor struct {
	Label      string
	Layout     *PipelineLayout
	Module     *ShaderModule
	EntryPoint string
	Constants  map[string]float64
}

// ComputePipeline is a GPUComputePipeline.
type ComputePipeline struct {
	js    js.Value
	label string
}

// CreateComputePipeline creates a pipeline, reporting validation errors
// (a bad entry point, a missing override, too much workgroup memory) as a
// Go error rather than a later device error.
func (d *Device) CreateComputePipeline(desc *ComputePipelineDescriptor) (*ComputePipeline, error) {
	d.PushErrorScope(ErrorFilterValidation)
	var p js.Value
	jerr := catch(func() { p = d.js.Call("createComputePipeline", desc.toJS()) })
	if err := d.PopErrorScope(); err != nil {
		return nil, fmt.Errorf("wgpu: compute pipeline %q: %w", desc.Label, err)
	}
	if jerr != nil {
		return nil, fmt.Errorf("wgpu: compute pipeline %q: %w", desc.Label, jerr)
	}
	return &ComputePipeline{js: p, label: desc.Label}, nil
}

// PendingComputePipeline is a pipeline CreateComputePipelineAsync is
// compiling.
type PendingComputePipeline struct {
	label string
	ch    <-chan settled
	err   error // the call itself threw
}

// CreateComputePipelineAsync starts compiling a pipeline and returns at
// once, so that several can be started before waiting on any: a browser
// may then compile them off its GPU process's main thread, side by side
// (on SwiftShader with 2 cores it was no faster than one at a time).
func (d *Device) CreateComputePipelineAsync(desc *ComputePipelineDescriptor) *PendingComputePipeline {
	pp := &PendingComputePipeline{label: desc.Label}
	var p js.Value
	if pp.err = catch(func() { p = d.js.Call("createComputePipelineAsync", desc.toJS()) }); pp.err == nil {
		pp.ch = watch(p)
	}
	return pp
}

// Wait blocks until the pipeline is compiled, and returns it or why it
// could not be made (a GPUPipelineError's message).
func (pp *PendingComputePipeline) Wait() (*ComputePipeline, error) {
	if pp.err != nil {
		return nil, fmt.Errorf("wgpu: compute pipeline %q: %w", pp.label, pp.err)
	}
	r := <-pp.ch
	if r.err != nil {
		return nil, fmt.Errorf("wgpu: compute pipeline %q: %w", pp.label, r.err)
	}
	return &ComputePipeline{js: r.v, label: pp.label}, nil
}

// toJS is the GPUComputePipelineDescriptor.
func (desc *ComputePipelineDescriptor) toJS() js.Value {
	compute := js.Global().Get("Object").New()
	compute.Set("module", desc.Module.js)
	compute.Set("entryPoint", desc.EntryPoint)
	if len(desc.Constants) > 0 {
		c := js.Global().Get("Object").New()
		for k, v := range desc.Constants {
			c.Set(k, v)
		}
		compute.Set("constants", c)
	}
	o := js.Global().Get("Object").New()
	o.Set("label", desc.Label)
	if desc.Layout != nil {
		o.Set("layout", desc.Layout.js)
	} else {
		o.Set("layout", "auto")
	}
	o.Set("compute", compute)
	return o
}

// BindGroupLayout is a GPUBindGroupLayout.
type BindGroupLayout struct{ js js.Value }

// GetBindGroupLayout returns the layout of group index.
func (p *ComputePipeline) GetBindGroupLayout(index int) *BindGroupLayout {
	return &BindGroupLayout{js: p.js.Call("getBindGroupLayout", index)}
}

// BindGroupEntry binds a buffer range; Size 0 means the rest of the buffer.
type BindGroupEntry struct {
	Binding uint32
	Buffer  *Buffer
	Offset  uint64
	Size    uint64
}

// BindGroupDescriptor is GPUBindGroupDescriptor.
type BindGroupDescriptor struct {
	Label   string
	Layout  *BindGroupLayout
	Entries []BindGroupEntry
}

// BindGroup is a GPUBindGroup.
type BindGroup struct{ js js.Value }

// CreateBindGroup creates a bind group of buffers.
func (d *Device) CreateBindGroup(desc *BindGroupDescriptor) (*BindGroup, error) {
	entries := make([]any, len(desc.Entries))
	for i, e := range desc.Entries {
		res := js.Global().Get("Object").New()
		res.Set("buffer", e.Buffer.js)
		if e.Offset != 0 {
			res.Set("offset", float64(e.Offset))
		}
		if e.Size != 0 {
			res.Set("size", float64(e.Size))
		}
		ent := js.Global().Get("Object").New()
		ent.Set("binding", e.Binding)
		ent.Set("resource", res)
		entries[i] = ent
	}
	o := js.Global().Get("Object").New()
	o.Set("label", desc.Label)
	o.Set("layout", desc.Layout.js)
	o.Set("entries", entries)
	var v js.Value
	if err := catch(func() { v = d.createBindGroup.Invoke(o) }); err != nil {
		return nil, fmt.Errorf("wgpu: bind group %q: %w", desc.Label, err)
	}
	return &BindGroup{js: v}, nil
}

// CreateCommandEncoder starts recording commands.
func (d *Device) CreateCommandEncoder(desc *CommandEncoderDescriptor) *CommandEncoder {
	o := d.encoderDesc
	if desc != nil {
		o.Set("label", desc.Label)
	}
	return &CommandEncoder{js: d.createEncoder.Invoke(o)}
}

// Release destroys the device. Err then reports a lost device.
func (d *Device) Release() {
	if d.released {
		return
	}
	d.released = true
	if d.js.Get("removeEventListener").Type() == js.TypeFunction {
		d.js.Call("removeEventListener", "uncapturederror", d.onError)
	} else {
		d.js.Set("onuncapturederror", js.Null())
	}
	d.onError.Release()
	d.js.Call("destroy")
}

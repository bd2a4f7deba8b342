//go:build js

package webgpu

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/genplay/genplay/kernels/wgpu"
	"github.com/genplay/genplay/kernels/wgsl"
)

// maxBatch is how many dispatches are recorded before a submit, so the GPU
// starts on long op sequences while the CPU is still recording.
const maxBatch = 64

// Cache bounds: past them the cache is dropped (after a flush) and refilled.
const (
	maxUniforms   = 4096
	maxBindGroups = 4096
)

// maxBindings is the most buffers one kernel binds (inputs, output, Params).
const maxBindings = 6

// bindGroupLayout is the layout of a shader's group 0 (bindingsOf), its
// Params uniform with a dynamic offset (params_js.go).
func (b *Backend) bindGroupLayout(name, src string) (*wgpu.BindGroupLayout, error) {
	kinds, err := bindingsOf(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	entries := make([]wgpu.BindGroupLayoutEntry, len(kinds))
	for i, k := range kinds {
		e := wgpu.BindGroupLayoutEntry{Binding: uint32(i), Visibility: wgpu.ShaderStageCompute}
		switch k {
		case bindRead:
			e.Buffer.Type = wgpu.BufferBindingTypeReadOnlyStorage
		case bindWrite:
			e.Buffer.Type = wgpu.BufferBindingTypeStorage
		case bindParams:
			e.Buffer = wgpu.BufferBindingLayout{Type: wgpu.BufferBindingTypeUniform, HasDynamicOffset: true}
		}
		entries[i] = e
	}
	return b.dev.CreateBindGroupLayout(&wgpu.BindGroupLayoutDescriptor{Label: name, Entries: entries})
}

type pipeline struct {
	name   string
	pl     *wgpu.ComputePipeline
	layout *wgpu.BindGroupLayout
}

type bgKey struct {
	pl   *pipeline
	bufs [maxBindings]*wgpu.Buffer
}

// variant names a specialization of a template shader (see kernels/wgsl
// Specialize) for run: "matmul_tiled[AVEC=1 TM=4 ...]".
func (b *Backend) variant(name string, defs wgsl.Defs) string {
	keys := slices.Sorted(maps.Keys(defs))
	key := name + "["
	for i, k := range keys {
		if i > 0 {
			key += " "
		}
		key += k + "=" + defs[k]
	}
	key += "]"
	if _, ok := b.variants[key]; !ok {
		b.variants[key] = variantDef{name, defs}
	}
	return key
}

type variantDef struct {
	name string
	defs wgsl.Defs
}

// pipelineFor compiles a shader from kernels/wgsl (or a variant) once.
func (b *Backend) pipelineFor(name string) (*pipeline, error) {
	if p, ok := b.pipelines[name]; ok {
		return p, nil
	}
	desc, layout, err := b.pipelineDesc(name)
	if err != nil {
		return nil, err
	}
	pl, err := b.dev.CreateComputePipeline(desc)
	if err != nil {
		return nil, err
	}
	p := &pipeline{name: name, pl: pl, layout: layout}
	b.pipelines[name] = p
	return p, nil
}

// pipelineDesc makes the shader module and layouts of a shader or variant
// and returns the descriptor of its pipeline, which is what compiles.
func (b *Backend) pipelineDesc(name string) (*wgpu.ComputePipelineDescriptor, *wgpu.BindGroupLayout, error) {
	var src string
	var err error
	if v, ok := b.variants[name]; ok {
		src, err = wgsl.Specialize(v.name, v.defs)
	} else {
		src, err = wgsl.Source(name)
	}
	if err != nil {
		return nil, nil, err
	}
	mod, err := b.dev.CreateShaderModule(&wgpu.ShaderModuleDescriptor{Label: name, WGSL: src})
	if err != nil {
		return nil, nil, err
	}
	layout, err := b.bindGroupLayout(name, src)
	if err != nil {
		return nil, nil, err
	}
	pll, err := b.dev.CreatePipelineLayout(&wgpu.PipelineLayoutDescriptor{Label: name, BindGroupLayouts: []*wgpu.BindGroupLayout{layout}})
	if err != nil {
		return nil, nil, err
	}
	return &wgpu.ComputePipelineDescriptor{Label: name, Layout: pll, Module: mod, EntryPoint: "main"}, layout, nil
}

// bindGroup returns p's bind group over bufs (the inputs, the output, then
// the Params arena buffer), made once per distinct set of buffers.
func (b *Backend) bindGroup(p *pipeline, bufs []*wgpu.Buffer) (*wgpu.BindGroup, error) {
	key := bgKey{pl: p}
	copy(key.bufs[:], bufs)
	if bg, ok := b.bindGroups[key]; ok {
		return bg, nil
	}
	if len(b.bindGroups) >= maxBindGroups {
		clear(b.bindGroups)
		clear(b.bgByBuffer)
	}
	entries := make([]wgpu.BindGroupEntry, len(bufs))
	for i, buf := range bufs {
		entries[i] = wgpu.BindGroupEntry{Binding: uint32(i), Buffer: buf}
	}
	entries[len(bufs)-1].Size = paramsSlot // the arena, at a dynamic offset
	bg, err := b.dev.CreateBindGroup(&wgpu.BindGroupDescriptor{Label: p.name, Layout: p.layout, Entries: entries})
	if err != nil {
		return nil, err
	}
	b.bindGroups[key] = bg
	for _, buf := range bufs[:len(bufs)-1] { // the last one is a Params arena buffer
		keys := append(b.bgByBuffer[buf], key)
		// A long-lived buffer (a weight) collects keys of bind groups
		// already dropped with their short-lived outputs: prune them now
		// and then so the list stays about as long as the live ones.
		if len(keys)%256 == 0 {
			keys = slices.DeleteFunc(keys, func(k bgKey) bool { _, ok := b.bindGroups[k]; return !ok })
		}
		b.bgByBuffer[buf] = keys
	}
	return bg, nil
}

func (b *Backend) forgetBindGroups(buf *wgpu.Buffer) {
	for _, k := range b.bgByBuffer[buf] {
		delete(b.bindGroups, k)
	}
	delete(b.bgByBuffer, buf)
}

func (b *Backend) encoder() *wgpu.CommandEncoder {
	if b.enc == nil {
		b.enc = b.dev.CreateCommandEncoder(nil)
	}
	return b.enc
}

func (b *Backend) endPass() {
	if b.pass != nil {
		b.pass.End()
		b.pass = nil
	}
}

// flush submits everything recorded (ending with the resolve of the
// batch's timestamps when profiling by timestamps), then destroys buffers
// freed meanwhile (WebGPU keeps a destroyed buffer alive for work already
// submitted).
func (b *Backend) flush() {
	b.endPass()
	if b.enc != nil {
		b.resolveStamps()
		b.queue.Submit(b.enc.Finish())
		b.enc = nil
	}
	b.pending = 0
	b.hostPool.submitted()
	for _, buf := range b.doomed {
		buf.Destroy()
	}
	b.doomed = b.doomed[:0]
	if b.stampsFull() {
		b.collectStamps()
	}
}

// grid splits n workgroups into x*y <= maxWG per dimension, x*y >= n.
func (b *Backend) grid(n int) (x, y uint32) {
	if n <= b.maxWG {
		return uint32(max(n, 1)), 1
	}
	ny := (n + b.maxWG - 1) / b.maxWG
	return uint32((n + ny - 1) / ny), uint32(ny)
}

// run records one dispatch of shader with bindings bufs (inputs, then the
// output) plus a Params uniform of words; x, y, z count workgroups.
func (b *Backend) run(shader string, words []uint32, x, y, z uint32, bufs ...*wgpu.Buffer) {
	c := b.next // an op's label for this dispatch, used up even on failure
	b.next = cost{}
	if b.err != nil {
		return
	}
	if b.rehearsal != nil {
		b.rehearsal.want(shader)
		return
	}
	p, err := b.pipelineFor(shader)
	if err != nil {
		b.fail(fmt.Errorf("webgpu: %s: %w", shader, err))
		return
	}
	u, err := b.uniform(words)
	if err != nil {
		b.fail(fmt.Errorf("webgpu: %s: %w", shader, err))
		return
	}
	bg, err := b.bindGroup(p, append(bufs, u.buf))
	if err != nil {
		b.fail(fmt.Errorf("webgpu: %s: %w", shader, err))
		return
	}
	// Profiled with timestamps, a dispatch is a pass of its own: WebGPU
	// writes timestamps only at pass boundaries.
	stamped := b.timedPass()
	if stamped != nil {
		b.endPass()
		b.pass = b.encoder().BeginComputePass(stamped)
	} else if b.pass == nil {
		b.pass = b.encoder().BeginComputePass(nil)
	}
	b.pass.SetPipeline(p.pl)
	b.pass.SetBindGroup(0, bg, u.off)
	b.pass.DispatchWorkgroups(x, y, z)
	if stamped != nil {
		b.endPass()
	}
	b.dispatches++
	b.pending++
	b.account(c, shader, bufs, stamped != nil)
	if b.pending >= maxBatch {
		b.flush()
	}
}

// run1D dispatches a kernel with one invocation per item, 256 per
// workgroup, folding a 2-D grid (see kernels/wgsl).
func (b *Backend) run1D(shader string, items int, words []uint32, bufs ...*wgpu.Buffer) {
	if items == 0 {
		return
	}
	x, y := b.grid((items + 255) / 256)
	b.run(shader, words, x, y, 1, bufs...)
}

// runRows dispatches a kernel with one workgroup per row.
func (b *Backend) runRows(shader string, rows int, words []uint32, bufs ...*wgpu.Buffer) {
	if rows == 0 {
		return
	}
	x, y := b.grid(rows)
	b.run(shader, words, x, y, 1, bufs...)
}

// output makes an op's result tensor. When it cannot be made (over the
// limits) the error becomes sticky and a placeholder is returned.
func (b *Backend) output(op string, shape []int) *tensor {
	n := numel(shape)
	t := &tensor{name: op, shape: shape, n: n, bytes: uint64(4 * n), guard: b.cfg.guardBands}
	if b.err != nil {
		return t
	}
	buf, err := b.allocOutput(op, t.bytes, t.guard)
	if err != nil {
		b.fail(fmt.Errorf("webgpu: %s output %v: %w", op, shape, err))
		return t
	}
	t.buf = buf
	return t
}

// live reports whether every tensor has memory (none is a placeholder).
func live(ts ...*tensor) bool {
	for _, t := range ts {
		if t != nil && t.buf == nil {
			return false
		}
	}
	return true
}

// optional returns t's buffer, or the dummy buffer and 0 when t is nil.
func (b *Backend) optional(t *tensor) (*wgpu.Buffer, uint32) {
	if t == nil {
		return b.dummy, 0
	}
	return t.buf, 1
}

func f32w(f float32) uint32 { return math.Float32bits(f) }

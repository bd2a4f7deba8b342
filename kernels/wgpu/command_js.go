//go:build js

package wgpu

import "syscall/js"

// CommandEncoder records commands into a CommandBuffer.
type CommandEncoder struct{ js js.Value }

// CommandBuffer is a finished, submittable list of commands.
type CommandBuffer struct{ js js.Value }

// ComputePassEncoder records dispatches. Within one pass WebGPU orders
// dispatches and makes each one's writes visible to the next.
type ComputePassEncoder struct {
	js          js.Value
	setPipeline js.Value
	setBind     js.Value
	dispatch    js.Value
}

// BeginComputePass starts a compute pass; its hot methods are bound once,
// since a pass typically records many dispatches.
func (e *CommandEncoder) BeginComputePass(desc *ComputePassDescriptor) *ComputePassEncoder {
	var p js.Value
	if o := desc.object(); !o.IsUndefined() {
		p = e.js.Call("beginComputePass", o)
	} else {
		p = e.js.Call("beginComputePass")
	}
	return &ComputePassEncoder{
		js:          p,
		setPipeline: bind(p, "setPipeline"),
		setBind:     bind(p, "setBindGroup"),
		dispatch:    bind(p, "dispatchWorkgroups"),
	}
}

// CopyBufferToBuffer copies size bytes (a multiple of 4).
func (e *CommandEncoder) CopyBufferToBuffer(src *Buffer, srcOffset uint64, dst *Buffer, dstOffset, size uint64) {
	e.js.Call("copyBufferToBuffer", src.js, float64(srcOffset), dst.js, float64(dstOffset), float64(size))
}

// ClearBuffer zeroes [offset, offset+size).
func (e *CommandEncoder) ClearBuffer(buf *Buffer, offset, size uint64) {
	e.js.Call("clearBuffer", buf.js, float64(offset), float64(size))
}

// Finish ends recording.
func (e *CommandEncoder) Finish() *CommandBuffer {
	return &CommandBuffer{js: e.js.Call("finish")}
}

// SetPipeline sets the pipeline for the following dispatches.
func (p *ComputePassEncoder) SetPipeline(pl *ComputePipeline) { p.setPipeline.Invoke(pl.js) }

// SetBindGroup binds group index, with the offsets of its dynamic-offset
// bindings in binding order.
func (p *ComputePassEncoder) SetBindGroup(index int, bg *BindGroup, offsets ...uint32) {
	if len(offsets) == 0 {
		p.setBind.Invoke(index, bg.js)
		return
	}
	// One JavaScript array, refilled, rather than a new one a call (the
	// call reads it at once): this runs for every dispatch.
	if offsetArray.IsUndefined() {
		offsetArray = js.Global().Get("Array").New()
	}
	if offsetLen != len(offsets) {
		offsetArray.Set("length", len(offsets))
		offsetLen = len(offsets)
	}
	for i, v := range offsets {
		offsetArray.SetIndex(i, v)
	}
	p.setBind.Invoke(index, bg.js, offsetArray)
}

// SetBindGroup's offsets (wasm is single-threaded) and their count.
var (
	offsetArray js.Value
	offsetLen   int
)

// DispatchWorkgroups runs x*y*z workgroups.
func (p *ComputePassEncoder) DispatchWorkgroups(x, y, z uint32) { p.dispatch.Invoke(x, y, z) }

// End finishes the pass.
func (p *ComputePassEncoder) End() { p.js.Call("end") }

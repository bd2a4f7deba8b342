//go:build js

package wgpu

import (
	"fmt"
	"syscall/js"
)

// BufferBindingType is GPUBufferBindingType.
type BufferBindingType string

const (
	BufferBindingTypeUniform         BufferBindingType = "uniform"
	BufferBindingTypeStorage         BufferBindingType = "storage"
	BufferBindingTypeReadOnlyStorage BufferBindingType = "read-only-storage"
)

// ShaderStageCompute is GPUShaderStage.COMPUTE, the only stage genplay uses.
const ShaderStageCompute = 4

// BufferBindingLayout is GPUBufferBindingLayout. A binding with
// HasDynamicOffset takes its offset at SetBindGroup, so one bind group
// serves many offsets into the same buffer.
type BufferBindingLayout struct {
	Type             BufferBindingType
	HasDynamicOffset bool
	MinBindingSize   uint64
}

// BindGroupLayoutEntry is GPUBindGroupLayoutEntry for a buffer.
type BindGroupLayoutEntry struct {
	Binding    uint32
	Visibility uint32 // ShaderStageCompute
	Buffer     BufferBindingLayout
}

// BindGroupLayoutDescriptor is GPUBindGroupLayoutDescriptor.
type BindGroupLayoutDescriptor struct {
	Label   string
	Entries []BindGroupLayoutEntry
}

// CreateBindGroupLayout creates an explicit layout (where "auto" cannot
// say what is needed: dynamic offsets).
func (d *Device) CreateBindGroupLayout(desc *BindGroupLayoutDescriptor) (*BindGroupLayout, error) {
	entries := make([]any, len(desc.Entries))
	for i, e := range desc.Entries {
		buf := js.Global().Get("Object").New()
		buf.Set("type", string(e.Buffer.Type))
		buf.Set("hasDynamicOffset", e.Buffer.HasDynamicOffset)
		if e.Buffer.MinBindingSize != 0 {
			buf.Set("minBindingSize", float64(e.Buffer.MinBindingSize))
		}
		ent := js.Global().Get("Object").New()
		ent.Set("binding", e.Binding)
		ent.Set("visibility", e.Visibility)
		ent.Set("buffer", buf)
		entries[i] = ent
	}
	o := js.Global().Get("Object").New()
	o.Set("label", desc.Label)
	o.Set("entries", entries)
	var v js.Value
	if err := catch(func() { v = d.js.Call("createBindGroupLayout", o) }); err != nil {
		return nil, fmt.Errorf("wgpu: bind group layout %q: %w", desc.Label, err)
	}
	return &BindGroupLayout{js: v}, nil
}

// PipelineLayout is a GPUPipelineLayout.
type PipelineLayout struct{ js js.Value }

// PipelineLayoutDescriptor is GPUPipelineLayoutDescriptor.
type PipelineLayoutDescriptor struct {
	Label            string
	BindGroupLayouts []*BindGroupLayout
}

// CreatePipelineLayout creates a pipeline layout of bind group layouts.
func (d *Device) CreatePipelineLayout(desc *PipelineLayoutDescriptor) (*PipelineLayout, error) {
	layouts := make([]any, len(desc.BindGroupLayouts))
	for i, l := range desc.BindGroupLayouts {
		layouts[i] = l.js
	}
	o := js.Global().Get("Object").New()
	o.Set("label", desc.Label)
	o.Set("bindGroupLayouts", layouts)
	var v js.Value
	if err := catch(func() { v = d.js.Call("createPipelineLayout", o) }); err != nil {
		return nil, fmt.Errorf("wgpu: pipeline layout %q: %w", desc.Label, err)
	}
	return &PipelineLayout{js: v}, nil
}

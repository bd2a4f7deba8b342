//go:build js

package wgpu

import (
	"fmt"
	"syscall/js"
)

// Available reports whether navigator.gpu exists.
func Available() bool {
	nav := js.Global().Get("navigator")
	return nav.Type() == js.TypeObject && nav.Get("gpu").Type() == js.TypeObject
}

// Adapter is a GPUAdapter.
type Adapter struct {
	js       js.Value
	info     AdapterInfo
	limits   Limits
	features Features
}

// RequestAdapter asks navigator.gpu for an adapter. It returns an error
// wrapping ErrNoWebGPU when there is no navigator.gpu or no adapter.
func RequestAdapter(opts *RequestAdapterOptions) (*Adapter, error) {
	if !Available() {
		return nil, fmt.Errorf("%w: navigator.gpu is missing (a browser without WebGPU, or Node without the Dawn preload)", ErrNoWebGPU)
	}
	o := js.Global().Get("Object").New()
	if opts != nil {
		if opts.PowerPreference != "" {
			o.Set("powerPreference", opts.PowerPreference)
		}
		o.Set("forceFallbackAdapter", opts.ForceFallbackAdapter)
	}
	v, err := await(js.Global().Get("navigator").Get("gpu").Call("requestAdapter", o))
	if err != nil {
		return nil, fmt.Errorf("%w: requestAdapter: %v", ErrNoWebGPU, err)
	}
	if v.IsNull() || v.IsUndefined() {
		return nil, fmt.Errorf("%w: navigator.gpu.requestAdapter returned no adapter", ErrNoWebGPU)
	}
	a := &Adapter{js: v, limits: readLimits(v.Get("limits")), features: readFeatures(v.Get("features"))}
	if info := v.Get("info"); info.Type() == js.TypeObject {
		a.info = AdapterInfo{
			Vendor:       str(info.Get("vendor")),
			Architecture: str(info.Get("architecture")),
			Device:       str(info.Get("device")),
			Description:  str(info.Get("description")),
		}
		if v := info.Get("subgroupMinSize"); v.Type() == js.TypeNumber {
			a.info.SubgroupMinSize = uint32(v.Int())
		}
		if v := info.Get("subgroupMaxSize"); v.Type() == js.TypeNumber {
			a.info.SubgroupMaxSize = uint32(v.Int())
		}
	}
	return a, nil
}

// Info returns the adapter's vendor, architecture, device and description.
func (a *Adapter) Info() AdapterInfo { return a.info }

// Limits returns what the adapter supports (the most a device may request).
func (a *Adapter) Limits() Limits { return a.limits }

// Features returns the features the adapter supports.
func (a *Adapter) Features() Features { return a.features }

// RequestDevice creates a device. Limits left zero in desc keep WebGPU's
// defaults, which are lower than most adapters allow: ask for what you need.
func (a *Adapter) RequestDevice(desc *DeviceDescriptor) (*Device, error) {
	o := js.Global().Get("Object").New()
	if desc != nil {
		if desc.Label != "" {
			o.Set("label", desc.Label)
		}
		feats := make([]any, len(desc.RequiredFeatures))
		for i, f := range desc.RequiredFeatures {
			feats[i] = f
		}
		o.Set("requiredFeatures", feats)
		o.Set("requiredLimits", limitsObject(desc.RequiredLimits))
	}
	v, err := await(a.js.Call("requestDevice", o))
	if err != nil {
		return nil, fmt.Errorf("wgpu: requestDevice: %w", err)
	}
	return newDevice(v), nil
}

// limitFields maps the JavaScript names to the Limits fields.
func limitFields(l *Limits) map[string]any {
	return map[string]any{
		"maxBufferSize":                     &l.MaxBufferSize,
		"maxStorageBufferBindingSize":       &l.MaxStorageBufferBindingSize,
		"maxUniformBufferBindingSize":       &l.MaxUniformBufferBindingSize,
		"maxStorageBuffersPerShaderStage":   &l.MaxStorageBuffersPerShaderStage,
		"maxBindGroups":                     &l.MaxBindGroups,
		"maxComputeWorkgroupsPerDimension":  &l.MaxComputeWorkgroupsPerDimension,
		"maxComputeInvocationsPerWorkgroup": &l.MaxComputeInvocationsPerWorkgroup,
		"maxComputeWorkgroupSizeX":          &l.MaxComputeWorkgroupSizeX,
		"maxComputeWorkgroupSizeY":          &l.MaxComputeWorkgroupSizeY,
		"maxComputeWorkgroupSizeZ":          &l.MaxComputeWorkgroupSizeZ,
		"maxComputeWorkgroupStorageSize":    &l.MaxComputeWorkgroupStorageSize,
		"minStorageBufferOffsetAlignment":   &l.MinStorageBufferOffsetAlignment,
		"minUniformBufferOffsetAlignment":   &l.MinUniformBufferOffsetAlignment,
	}
}

func readLimits(v js.Value) Limits {
	var l Limits
	if v.Type() != js.TypeObject {
		return l
	}
	for name, p := range limitFields(&l) {
		f := v.Get(name)
		if f.Type() != js.TypeNumber {
			continue
		}
		switch p := p.(type) {
		case *uint64:
			*p = uint64(f.Float())
		case *uint32:
			*p = uint32(f.Float())
		}
	}
	return l
}

// limitsObject builds a requiredLimits object holding the non-zero fields.
func limitsObject(l Limits) js.Value {
	o := js.Global().Get("Object").New()
	for name, p := range limitFields(&l) {
		switch p := p.(type) {
		case *uint64:
			if *p != 0 {
				o.Set(name, float64(*p))
			}
		case *uint32:
			if *p != 0 {
				o.Set(name, float64(*p))
			}
		}
	}
	return o
}

func readFeatures(set js.Value) Features {
	var fs Features
	if set.Type() != js.TypeObject {
		return fs
	}
	// Array.from accepts the setlike GPUSupportedFeatures of browsers and
	// Dawn's (which has no values()).
	arr := js.Global().Get("Array").Call("from", set)
	for i := 0; i < arr.Length(); i++ {
		fs = append(fs, arr.Index(i).String())
	}
	return fs
}

// Package wgpu is genplay's WebGPU binding: the compute subset of the WebGPU
// API, in Go over syscall/js. Its names and shapes follow
// github.com/gogpu/wgpu (RequestAdapter, Adapter.RequestDevice,
// Device.CreateBuffer, CreateShaderModule, CreateComputePipeline,
// CreateBindGroup, Queue().WriteBuffer, Queue().Submit, error scopes, Limits,
// Features, CreateQuerySet with ComputePassTimestampWrites and
// ResolveQuerySet) so that moving to that package later is a small change;
// it is ours because that module is not available here.
//
// Everything that talks to the browser is in *_js.go files; this file holds
// the plain-Go types, so the package also builds (as types only) natively.
//
// Calls that wait on a JavaScript promise (RequestAdapter, RequestDevice,
// MapAsync, PopErrorScope, OnSubmittedWorkDone) block the calling goroutine
// on a channel. Never call them from inside a js.FuncOf callback: the promise
// can only settle after the callback returns, so that would deadlock.
package wgpu

import (
	"errors"
	"fmt"
	"slices"
)

// ErrNoWebGPU means the JavaScript environment has no navigator.gpu or it
// offers no adapter.
var ErrNoWebGPU = errors.New("wgpu: WebGPU is not available")

// BufferUsage is a bit set of GPUBufferUsage flags.
type BufferUsage uint32

// GPUBufferUsage flag values, from the WebGPU specification.
const (
	BufferUsageMapRead      BufferUsage = 0x0001
	BufferUsageMapWrite     BufferUsage = 0x0002
	BufferUsageCopySrc      BufferUsage = 0x0004
	BufferUsageCopyDst      BufferUsage = 0x0008
	BufferUsageIndex        BufferUsage = 0x0010
	BufferUsageVertex       BufferUsage = 0x0020
	BufferUsageUniform      BufferUsage = 0x0040
	BufferUsageStorage      BufferUsage = 0x0080
	BufferUsageIndirect     BufferUsage = 0x0100
	BufferUsageQueryResolve BufferUsage = 0x0200
)

// MapMode is a GPUMapMode flag.
type MapMode uint32

// GPUMapMode flag values.
const (
	MapModeRead  MapMode = 0x0001
	MapModeWrite MapMode = 0x0002
)

// ErrorFilter selects which errors an error scope captures.
type ErrorFilter string

// GPUErrorFilter values.
const (
	ErrorFilterValidation  ErrorFilter = "validation"
	ErrorFilterOutOfMemory ErrorFilter = "out-of-memory"
	ErrorFilterInternal    ErrorFilter = "internal"
)

// GPUError is an error reported by the device: a validation error, an
// out-of-memory error or an internal error.
type GPUError struct {
	Type    ErrorFilter
	Message string
}

func (e *GPUError) Error() string { return fmt.Sprintf("webgpu %s error: %s", e.Type, e.Message) }

// Limits are the GPUSupportedLimits genplay's kernels care about. In a
// DeviceDescriptor, a zero field means "the default".
type Limits struct {
	MaxBufferSize                     uint64
	MaxStorageBufferBindingSize       uint64
	MaxUniformBufferBindingSize       uint64
	MaxStorageBuffersPerShaderStage   uint32
	MaxBindGroups                     uint32
	MaxComputeWorkgroupsPerDimension  uint32
	MaxComputeInvocationsPerWorkgroup uint32
	MaxComputeWorkgroupSizeX          uint32
	MaxComputeWorkgroupSizeY          uint32
	MaxComputeWorkgroupSizeZ          uint32
	MaxComputeWorkgroupStorageSize    uint32
	MinStorageBufferOffsetAlignment   uint32
	MinUniformBufferOffsetAlignment   uint32
}

// Features lists the enabled or supported feature names ("shader-f16",
// "subgroups", ...).
type Features []string

// Contains reports whether the feature name is present.
func (f Features) Contains(name string) bool { return slices.Contains(f, name) }

// GPUFeatureName values genplay checks for.
const (
	FeatureShaderF16      = "shader-f16"
	FeatureSubgroups      = "subgroups"
	FeatureTimestampQuery = "timestamp-query" // QueryTypeTimestamp and ComputePassTimestampWrites
)

// AdapterInfo is GPUAdapterInfo.
type AdapterInfo struct {
	Vendor       string
	Architecture string
	Device       string
	Description  string
	// SubgroupMinSize and SubgroupMaxSize bound the subgroup size of the
	// "subgroups" feature; 0 where the browser does not say.
	SubgroupMinSize, SubgroupMaxSize uint32
}

func (i AdapterInfo) String() string {
	s := ""
	for _, p := range []string{i.Vendor, i.Architecture, i.Device, i.Description} {
		if p == "" {
			continue
		}
		if s != "" {
			s += " "
		}
		s += p
	}
	if s == "" {
		return "unknown adapter"
	}
	return s
}

// RequestAdapterOptions is GPURequestAdapterOptions.
type RequestAdapterOptions struct {
	PowerPreference      string // "", "low-power" or "high-performance"
	ForceFallbackAdapter bool
}

// DeviceDescriptor is GPUDeviceDescriptor.
type DeviceDescriptor struct {
	Label            string
	RequiredFeatures []string
	RequiredLimits   Limits // zero fields keep the defaults
}

// BufferDescriptor is GPUBufferDescriptor.
type BufferDescriptor struct {
	Label            string
	Size             uint64
	Usage            BufferUsage
	MappedAtCreation bool
}

// ShaderModuleDescriptor holds WGSL source.
type ShaderModuleDescriptor struct {
	Label string
	WGSL  string
}

// CommandEncoderDescriptor is GPUCommandEncoderDescriptor.
type CommandEncoderDescriptor struct{ Label string }

// QueryType is a GPUQueryType.
type QueryType string

// GPUQueryType values. A timestamp query is a GPU time in nanoseconds,
// resolved as a uint64; implementations may quantize it (browsers do, to
// blunt timing attacks) and its origin is unspecified: only differences
// mean something.
const (
	QueryTypeOcclusion QueryType = "occlusion"
	QueryTypeTimestamp QueryType = "timestamp" // needs FeatureTimestampQuery
)

// QuerySetDescriptor is GPUQuerySetDescriptor. Count is at most 4096.
type QuerySetDescriptor struct {
	Label string
	Type  QueryType
	Count uint32
}

// QueryResolveAlignment is the alignment ResolveQuerySet's destination
// offset needs, and QueryResultSize the bytes one resolved query takes.
const (
	QueryResolveAlignment = 256
	QueryResultSize       = 8
)

// CompilationMessage is one message of a shader module's compilation info.
type CompilationMessage struct {
	Type    string // "error", "warning" or "info"
	Message string
	Line    int
	Column  int
}

// ShaderError is a WGSL compilation failure: the compiler's messages.
type ShaderError struct {
	Label    string
	Messages []CompilationMessage
}

func (e *ShaderError) Error() string {
	s := "wgsl " + e.Label + ": compile failed"
	for _, m := range e.Messages {
		if m.Type != "error" {
			continue
		}
		s += fmt.Sprintf("\n  %d:%d: %s", m.Line, m.Column, m.Message)
	}
	return s
}

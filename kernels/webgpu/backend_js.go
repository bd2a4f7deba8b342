//go:build js

package webgpu

import (
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/wgpu"
	"github.com/genplay/genplay/weights/quant"
)

// guardWords is the length of a guard band, in 4-byte words.
const guardWords = 64

// guardBits is the guard band's sentinel: a quiet NaN with a payload no
// kernel computes, so an out-of-bounds write of any value (NaN included)
// is caught unless it writes exactly this pattern.
const guardBits = 0x7fc0dead

// Backend runs the kernels.Backend ops on a WebGPU device.
type Backend struct {
	cfg     config
	adapter *wgpu.Adapter
	dev     *wgpu.Device
	queue   *wgpu.Queue
	limits  wgpu.Limits
	maxWG   int    // maxComputeWorkgroupsPerDimension
	maxSize uint64 // the largest tensor, in bytes
	err     error  // first error of this backend (not of the device)
	// software is true on a CPU implementation of WebGPU (SwiftShader),
	// where an invocation is expensive and memory is cached: kernels pick
	// fewer, fatter invocations there (see matvec.wgsl).
	software bool
	// subgroups is true when the device has WGSL subgroup operations
	// (requested when the adapter offers them; kernels keep a fallback).
	subgroups bool
	// subgroupMin and subgroupMax bound the subgroup size (0: unknown).
	subgroupMin, subgroupMax int
	// timestamps is true when the device has 'timestamp-query': profiling
	// then times dispatches on the GPU (see profile_js.go).
	timestamps bool

	pipelines  map[string]*pipeline
	variants   map[string]variantDef
	rehearsal  *rehearsal // during Precompile: the pipelines asked for
	params     params     // the Params uniforms (params_js.go)
	bindGroups map[bgKey]*wgpu.BindGroup
	bgByBuffer map[*wgpu.Buffer][]bgKey

	enc        *wgpu.CommandEncoder
	pass       *wgpu.ComputePassEncoder
	pending    int            // dispatches recorded since the last submit
	dispatches int            // dispatches recorded since New
	waited     time.Duration  // spent waiting for the device since New
	doomed     []*wgpu.Buffer // freed while still used by unsubmitted work
	readback   *wgpu.Buffer
	profiling  bool         // Profile(true): time every dispatch
	prof       profile      // per-kernel counts, estimates and times
	stamps     *stamps      // timestamp queries, made when first used
	next       cost         // the next dispatch's label (see costNext)
	dummy      *wgpu.Buffer // bound for absent optional inputs (nil gamma)
	guardFill  []byte
	pool       pool // freed op outputs for reuse (pool_js.go)
	hostPool   pool // freed host-written buffers, reusable after a submit
	ropeTabs   map[ropeKey]ropeTab
}

// tensor is a Backend's kernels.Tensor. A placeholder (buf == nil) stands
// for the result of an op that failed; the error is sticky in the Backend.
type tensor struct {
	name   string
	shape  []int
	dt     quant.DType // as uploaded; F16 and BF16 live on the GPU as f32
	n      int         // number of values
	buf    *wgpu.Buffer
	scales *wgpu.Buffer // Q8_0 and Q4_0: one f32 per block
	bytes  uint64       // bytes of buf holding data (guard band excluded)
	guard  bool
}

func (t *tensor) Name() string       { return t.name }
func (t *tensor) Shape() []int       { return t.shape }
func (t *tensor) DType() quant.DType { return t.dt }

func (t *tensor) quantized() bool { return t.dt == quant.Q8_0 || t.dt == quant.Q4_0 }

var _ kernels.Backend = (*Backend)(nil)

// New opens the WebGPU adapter and a device with the adapter's limits for
// buffer sizes and workgroup counts (a device otherwise gets WebGPU's
// defaults). It returns an error wrapping ErrNoWebGPU when there is no
// navigator.gpu or no adapter.
func New(opts ...Option) (*Backend, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	adapter, err := wgpu.RequestAdapter(&wgpu.RequestAdapterOptions{PowerPreference: "high-performance"})
	if err != nil {
		return nil, err
	}
	al := adapter.Limits()
	var features []string
	if adapter.Features().Contains(wgpu.FeatureSubgroups) && !cfg.noSubgroups {
		features = append(features, wgpu.FeatureSubgroups)
	}
	// Timestamps cost nothing until Profile(true) uses them.
	if adapter.Features().Contains(wgpu.FeatureTimestampQuery) && !cfg.noTimestamps {
		features = append(features, wgpu.FeatureTimestampQuery)
	}
	dev, err := adapter.RequestDevice(&wgpu.DeviceDescriptor{
		Label:            "genplay",
		RequiredFeatures: features,
		RequiredLimits: wgpu.Limits{
			MaxBufferSize:                    al.MaxBufferSize,
			MaxStorageBufferBindingSize:      al.MaxStorageBufferBindingSize,
			MaxStorageBuffersPerShaderStage:  al.MaxStorageBuffersPerShaderStage,
			MaxComputeWorkgroupsPerDimension: al.MaxComputeWorkgroupsPerDimension,
			MaxComputeWorkgroupStorageSize:   al.MaxComputeWorkgroupStorageSize,
			// Only WithMatVec's shapes go past the default 256.
			MaxComputeInvocationsPerWorkgroup: al.MaxComputeInvocationsPerWorkgroup,
			MaxComputeWorkgroupSizeX:          al.MaxComputeWorkgroupSizeX,
		},
	})
	if err != nil {
		return nil, err
	}
	b := &Backend{
		cfg:        cfg,
		adapter:    adapter,
		dev:        dev,
		queue:      dev.Queue(),
		limits:     dev.Limits(),
		pipelines:  map[string]*pipeline{},
		variants:   map[string]variantDef{},
		bindGroups: map[bgKey]*wgpu.BindGroup{},
		bgByBuffer: map[*wgpu.Buffer][]bgKey{},
	}
	b.subgroups = dev.Features().Contains(wgpu.FeatureSubgroups)
	b.subgroupMin, b.subgroupMax = int(adapter.Info().SubgroupMinSize), int(adapter.Info().SubgroupMaxSize)
	b.timestamps = dev.Features().Contains(wgpu.FeatureTimestampQuery)
	info := strings.ToLower(adapter.Info().String())
	b.software = (strings.Contains(info, "swiftshader") || strings.Contains(info, "llvmpipe")) && !cfg.gpuKernels
	b.maxWG = int(b.limits.MaxComputeWorkgroupsPerDimension)
	if b.maxWG == 0 {
		b.maxWG = 65535
	}
	b.maxSize = min(b.limits.MaxStorageBufferBindingSize, b.limits.MaxBufferSize)
	if b.maxSize == 0 {
		b.maxSize = 128 << 20
	}
	if cfg.maxTensorBytes != 0 {
		b.maxSize = min(b.maxSize, cfg.maxTensorBytes)
	}
	if t := cfg.tiles; t != nil {
		ok := (t.TM == 4 || t.TM == 8) && (t.TN == 4 || t.TN == 8) && t.WG > 0 && t.TK > 0 && t.TK%4 == 0 &&
			uint32(t.WG*t.WG) <= b.limits.MaxComputeInvocationsPerWorkgroup &&
			uint32(t.stagedBytes()) <= b.limits.MaxComputeWorkgroupStorageSize
		if !ok {
			dev.Release()
			return nil, fmt.Errorf("webgpu: matmul tiles %v: need TM and TN 4 or 8, TK a multiple of 4, WG² invocations and the staged slices within the device's limits (%d invocations, %d bytes)",
				t, b.limits.MaxComputeInvocationsPerWorkgroup, b.limits.MaxComputeWorkgroupStorageSize)
		}
	}
	maxInv := min(b.limits.MaxComputeInvocationsPerWorkgroup, b.limits.MaxComputeWorkgroupSizeX)
	if m := cfg.matvec; m != nil && (m.Lanes <= 0 || m.Lanes&(m.Lanes-1) != 0 || m.Rows <= 0 || uint32(m.Lanes*m.Rows) > maxInv) {
		dev.Release()
		return nil, fmt.Errorf("webgpu: matvec shape %v: need LANES a power of two and LANES*ROWS invocations within the device's limit (%d)", m, maxInv)
	}
	b.guardFill = make([]byte, guardWords*4)
	for i := 0; i < guardWords; i++ {
		*(*uint32)(unsafe.Pointer(&b.guardFill[4*i])) = guardBits
	}
	if b.dummy, err = b.newBuffer("dummy", 16, wgpu.BufferUsageStorage); err != nil {
		return nil, err
	}
	return b, nil
}

// Software reports whether the adapter is a CPU implementation of WebGPU
// (SwiftShader, llvmpipe), where the backend picks its own kernels: pages
// use it to spare the CPU work that a GPU would not miss.
func (b *Backend) Software() bool { return b.software }

// Name says "webgpu (<adapter>)".
func (b *Backend) Name() string { return "webgpu (" + b.AdapterInfo() + ")" }

// AdapterInfo describes the adapter: vendor, architecture, device and
// description (under Node with Dawn: "google swiftshader SwiftShader driver ...").
func (b *Backend) AdapterInfo() string { return b.adapter.Info().String() }

// Device exposes the underlying device, for tools and tests.
func (b *Backend) Device() *wgpu.Device { return b.dev }

// Limits returns the device's limits as granted.
func (b *Backend) Limits() wgpu.Limits { return b.limits }

// Err returns the first error: this backend's own (a tensor over the
// limits, a bad embedding id) or the device's (validation, out of memory, lost).
func (b *Backend) Err() error {
	if b.err != nil {
		return b.err
	}
	return b.dev.Err()
}

func (b *Backend) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// Sync submits recorded work and waits until the device has finished it:
// what a benchmark times.
func (b *Backend) Sync() error {
	b.flush()
	t0 := time.Now()
	if err := b.queue.OnSubmittedWorkDone(); err != nil {
		b.fail(err)
	}
	b.waited += time.Since(t0)
	return b.Err()
}

// Dispatches counts the compute dispatches recorded since New: benchmarks
// and model code use differences of it to count dispatches per op or step.
func (b *Backend) Dispatches() int { return b.dispatches }

// Waited is the time spent since New waiting for the device (downloads
// and Sync): the rest of a step's wall time is the host's (model code,
// recording, submits), which is what bounds it when the GPU is fast.
func (b *Backend) Waited() time.Duration { return b.waited }

// Close destroys the device; the backend is unusable afterwards.
func (b *Backend) Close() { b.dev.Release() }

func (b *Backend) newBuffer(label string, size uint64, usage wgpu.BufferUsage) (*wgpu.Buffer, error) {
	size = (max(size, 4) + 3) &^ 3
	return b.dev.CreateBuffer(&wgpu.BufferDescriptor{Label: label, Size: size, Usage: usage})
}

const storageUsage = wgpu.BufferUsageStorage | wgpu.BufferUsageCopySrc | wgpu.BufferUsageCopyDst

// allocSize is the size of alloc's buffer for bytes of data: at least 4, a
// multiple of 4, plus the guard band.
func allocSize(bytes uint64, guard bool) uint64 {
	size := (max(bytes, 4) + 3) &^ 3
	if guard {
		size += guardWords * 4
	}
	return size
}

// alloc makes a storage buffer for a tensor, checking the size limit first
// so that an oversized tensor is a clear error, not a lost device.
func (b *Backend) alloc(name string, bytes uint64, guard bool) (*wgpu.Buffer, error) {
	if bytes > b.maxSize {
		return nil, fmt.Errorf("tensor %q needs %d bytes, over the device limit of %d bytes (min of maxStorageBufferBindingSize and maxBufferSize, or WithMaxTensorBytes)", name, bytes, b.maxSize)
	}
	size := allocSize(bytes, guard)
	buf, err := b.newBuffer(name, size, storageUsage)
	if err != nil {
		return nil, err
	}
	if guard {
		if err := b.queue.WriteBuffer(buf, size-guardWords*4, b.guardFill); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// Package webgpu is the kernels.Backend on WebGPU: every op is a WGSL
// compute shader from kernels/wgsl, run through the kernels/wgpu binding.
// It works only under GOOS=js (a browser, or Node with Dawn through
// scripts/dawn-exec); natively New returns ErrNoWebGPU.
//
// Ops are recorded into one compute pass and submitted in batches; Download
// and Sync flush them. Pipelines and bind groups are cached; each distinct
// Params uniform is written once into a slot of an arena buffer and bound
// at a dynamic offset (params_js.go); freed buffers are pooled
// (pool_js.go). Profile times every dispatch: by GPU
// timestamps (a pass per dispatch) where the device has 'timestamp-query',
// else by submitting each alone (see profile_js.go).
//
// New, Download, Sync and the first use of each op wait on JavaScript
// promises: call them from a goroutine, never from inside a js.FuncOf
// callback (an event handler), which would deadlock. A Backend is not safe
// for concurrent use.
package webgpu

import "github.com/genplay/genplay/kernels/wgpu"

// ErrNoWebGPU is returned (wrapped, with the reason) by New when there is no
// WebGPU: not GOOS=js, no navigator.gpu, or no adapter.
var ErrNoWebGPU = wgpu.ErrNoWebGPU

// Option configures New.
type Option func(*config)

type config struct {
	guardBands     bool
	maxTensorBytes uint64
	noSubgroups    bool
	gpuKernels     bool
	noTimestamps   bool
	stampChunks    int // batches of timestamps read back at once; 0: stampChunks
	tiles          *Tiles
	matvec         *MatVec
}

// WithMatMulTiles fixes the tile shape of the f32 matmul and of conv2d
// (its implicit GEMM, unpipelined, and only where WG is a multiple of TN)
// instead of choosing it by device and shape: benchmarks use it to compare
// shapes on a new GPU. New fails on a shape the kernel cannot run or whose
// staged slices do not fit the device's workgroup memory.
func WithMatMulTiles(t Tiles) Option { return func(c *config) { c.tiles = &t } }

// WithMatVec fixes the shape of the matrix-vector product on a GPU
// (software adapters run their own kernel), to compare shapes on a new
// GPU as WithMatMulTiles does. New fails on a workgroup over the device's
// limit.
func WithMatVec(m MatVec) Option { return func(c *config) { c.matvec = &m } }

// WithGuardBands makes every op output carry extra words filled with a NaN
// sentinel after its data; Download checks them and reports an overwrite as
// an error naming the op. For tests: it costs memory and a write per output.
func WithGuardBands() Option { return func(c *config) { c.guardBands = true } }

// WithMaxTensorBytes caps the size of any one tensor below what the device
// allows (tests use it to exercise the too-large error cheaply).
func WithMaxTensorBytes(n uint64) Option { return func(c *config) { c.maxTensorBytes = n } }

// WithoutSubgroups keeps the device from enabling the subgroups feature, so
// kernels take their fallback paths (tests use it to cover both).
func WithoutSubgroups() Option { return func(c *config) { c.noSubgroups = true } }

// WithGPUKernels gives a software adapter (SwiftShader) the kernels a
// hardware GPU gets: tests use it to check a whole model's GPU path on CI's
// software adapter.
func WithGPUKernels() Option { return func(c *config) { c.gpuKernels = true } }

// WithoutTimestamps keeps the device from enabling 'timestamp-query', so
// Profile times every dispatch by submitting it alone and waiting for the
// queue (tests use it to cover both ways of timing).
func WithoutTimestamps() Option { return func(c *config) { c.noTimestamps = true } }

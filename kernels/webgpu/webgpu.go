// Package webgpu is the kernels.Backend on WebGPU: every op is a WGSL
// compute shader from kernels/wgsl, run through the kernels/wgpu binding.
// It works only under GOOS=js (a browser, or Node with Dawn through
// scripts/dawn-exec); natively New returns ErrNoWebGPU.
//
// Ops are recorded into one compute pass and submitted in batches; Download
// and Sync flush them. Pipelines, bind groups and uniform buffers (keyed by
// their contents) are cached. Profile times every dispatch: by GPU
// timestamps (a pass per dispatch) where the device has 'timestamp-query',
// else by submitting each alone (see profile_js.go).
//
// New, Download, Sync and the first use of each op wait on JavaScript
// promises: call them from a goroutine, never from inside a js.FuncOf
// callback (an event handler), which would deadlock. A Backend is not safe
// for concurrent use.
package webgpu

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/genplay/genplay/kernels/wgpu"
)

// ErrNoWebGPU is returned (wrapped, with the reason) by New when there is no
// WebGPU: not GOOS=js, no navigator.gpu, or no adapter.
var ErrNoWebGPU = wgpu.ErrNoWebGPU

// Option configures New.
type Option func(*config)

type config struct {
	guardBands     bool
	maxTensorBytes uint64
	noSubgroups    bool
	noTimestamps   bool
	stampChunks    int // batches of timestamps read back at once; 0: stampChunks
	tiles          *Tiles
}

// Tiles is a shape of matmul_tiled.wgsl's work: WG x WG invocations a
// workgroup, each computing a TM x TN block of the output (TM and TN 4 or
// 8), staging TK-deep slices (f32 weights; quantized ones always stage one
// 32-value block). Pipe stages in two buffers, loading the next slice
// while computing on this one: twice the workgroup memory, half the
// barriers.
type Tiles struct {
	WG, TM, TN, TK int
	Pipe           bool
}

// String is the shape as gpubench's -tiles spells it: WGxTMxTNxTK, with a
// "p" after it for Pipe.
func (t Tiles) String() string {
	s := fmt.Sprintf("%dx%dx%dx%d", t.WG, t.TM, t.TN, t.TK)
	if t.Pipe {
		s += "p"
	}
	return s
}

// ParseTiles reads what String writes.
func ParseTiles(s string) (Tiles, error) {
	body, pipe := strings.CutSuffix(s, "p")
	f := strings.Split(body, "x")
	var v [4]int
	ok := len(f) == 4
	for i := 0; ok && i < 4; i++ {
		n, err := strconv.Atoi(f[i])
		v[i], ok = n, err == nil && n > 0 && f[i][0] != '+'
	}
	if !ok {
		return Tiles{}, fmt.Errorf("tiles %q: want WGxTMxTNxTK, with p after it to pipeline (e.g. 16x8x8x16 or 16x8x8x8p)", s)
	}
	return Tiles{WG: v[0], TM: v[1], TN: v[2], TK: v[3], Pipe: pipe}, nil
}

// WithMatMulTiles fixes the f32 matmul's tile shape instead of choosing it
// by device and shape (conv2d keeps its own choice): benchmarks use it to
// compare shapes on a new GPU. New fails on a shape the kernel cannot run
// or whose staged slices do not fit the device's workgroup memory.
func WithMatMulTiles(t Tiles) Option { return func(c *config) { c.tiles = &t } }

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

// WithoutTimestamps keeps the device from enabling 'timestamp-query', so
// Profile times every dispatch by submitting it alone and waiting for the
// queue (tests use it to cover both ways of timing).
func WithoutTimestamps() Option { return func(c *config) { c.noTimestamps = true } }

//go:build !js

package webgpu

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
)

// Backend is the WebGPU backend. Outside GOOS=js it cannot be made: New
// always fails. The embedded interface only lets the type satisfy
// kernels.Backend so that code mentioning it builds natively.
type Backend struct{ kernels.Backend }

// New returns ErrNoWebGPU: WebGPU needs GOOS=js.
func New(opts ...Option) (*Backend, error) {
	return nil, fmt.Errorf("%w: this build is not GOOS=js (the WebGPU backend runs in a browser or in Node with Dawn)", ErrNoWebGPU)
}

// AdapterInfo is empty natively.
func (b *Backend) AdapterInfo() string { return "" }

// Sync returns ErrNoWebGPU natively.
func (b *Backend) Sync() error { return ErrNoWebGPU }

// Dispatches is 0 natively.
func (b *Backend) Dispatches() int { return 0 }

// Profile does nothing natively.
func (b *Backend) Profile(on bool) {}

// ProfileTiming is TimingOff natively.
func (b *Backend) ProfileTiming() string { return TimingOff }

// ProfileReset does nothing natively.
func (b *Backend) ProfileReset() {}

// ProfileReport is empty natively.
func (b *Backend) ProfileReport() []KernelStat { return nil }

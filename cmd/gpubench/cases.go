//go:build js

package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/weights/quant"
)

// benchCase is one kernel on one shape. setup uploads seeded random inputs
// and returns the op, its reference answer and a function freeing the inputs.
type benchCase struct {
	name         string
	flops, bytes float64 // per run; a multiply-add counts 2
	tol          float64 // NMSE bound of the correctness check
	setup        func(b kernels.Backend) (run func() kernels.Tensor, want func() []float32, free func(), err error)
}

type inputs struct {
	b   kernels.Backend
	rng *rand.Rand
	ts  []kernels.Tensor
	err error
}

func (in *inputs) f32(shape ...int) (kernels.Tensor, []float32) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = 2*in.rng.Float32() - 1
	}
	t, err := in.b.Upload("input", shape, x)
	if err != nil && in.err == nil {
		in.err = err
	}
	if t != nil {
		in.ts = append(in.ts, t)
	}
	return t, x
}

func (in *inputs) free() {
	for _, t := range in.ts {
		in.b.Free(t)
	}
}

func newInputs(b kernels.Backend) *inputs {
	return &inputs{b: b, rng: rand.New(rand.NewPCG(1, 2))}
}

func cases(large bool) []benchCase {
	if large {
		return []benchCase{
			matmul(256), matmul(512), matmul(1024),
			matvecQ8(4096, 4096),
			conv3x3(64, 64, 32, 32),
			attention(1, 256, 4, 64, true),
			elementwise(1 << 24),
		}
	}
	return []benchCase{
		matmul(64), matmul(128),
		matvecQ8(1024, 1024),
		conv3x3(16, 16, 16, 16),
		attention(1, 64, 2, 32, true),
		elementwise(1 << 20),
	}
}

func matmul(n int) benchCase {
	return benchCase{
		name:  fmt.Sprintf("matmul f32 %dx%dx%d transB", n, n, n),
		flops: 2 * float64(n*n*n),
		bytes: 4 * 3 * float64(n*n),
		tol:   1e-9,
		setup: func(b kernels.Backend) (func() kernels.Tensor, func() []float32, func(), error) {
			in := newInputs(b)
			x, xd := in.f32(n, n)
			w, wd := in.f32(n, n)
			return func() kernels.Tensor { return b.MatMul(x, w, true) },
				func() []float32 { return ref.MatMul(xd, wd, 1, n, n, n, false, true) }, in.free, in.err
		},
	}
}

// matvecQ8 is one decode step through a Q8_0 weight [n, k]: memory bound.
func matvecQ8(n, k int) benchCase {
	return benchCase{
		name:  fmt.Sprintf("matvec Q8_0 [%d,%d]", n, k),
		flops: 2 * float64(n*k),
		bytes: float64(n*k)*34/32 + 4*float64(n+k),
		tol:   1e-9,
		setup: func(b kernels.Backend) (func() kernels.Tensor, func() []float32, func(), error) {
			in := newInputs(b)
			x, xd := in.f32(1, k)
			wf := make([]float32, n*k)
			for i := range wf {
				wf[i] = 2*in.rng.Float32() - 1
			}
			raw, err := quant.Quantize(quant.Q8_0, wf)
			if err != nil {
				return nil, nil, in.free, err
			}
			w, err := b.UploadRaw("w", []int{n, k}, quant.Q8_0, raw)
			if err != nil {
				return nil, nil, in.free, err
			}
			in.ts = append(in.ts, w)
			return func() kernels.Tensor { return b.MatMul(x, w, true) },
				func() []float32 { return ref.MatMulRaw(xd, raw, quant.Q8_0, 1, 1, n, k, false) }, in.free, in.err
		},
	}
}

func conv3x3(c, o, h, w int) benchCase {
	return benchCase{
		name:  fmt.Sprintf("conv2d 3x3 %d->%d %dx%d", c, o, h, w),
		flops: 2 * float64(o*h*w*c*9),
		bytes: 4 * float64(c*h*w+o*c*9+o*h*w),
		tol:   1e-9,
		setup: func(b kernels.Backend) (func() kernels.Tensor, func() []float32, func(), error) {
			in := newInputs(b)
			x, xd := in.f32(1, c, h, w)
			wt, wd := in.f32(o, c, 3, 3)
			bias, bd := in.f32(o)
			return func() kernels.Tensor { return b.Conv2d(x, wt, bias, 1, 1) },
				func() []float32 { return ref.Conv2d(xd, wd, bd, 1, c, h, w, o, 3, 1, 1) }, in.free, in.err
		},
	}
}

func attention(bs, l, heads, d int, causal bool) benchCase {
	return benchCase{
		name:  fmt.Sprintf("attention b%d l%d heads%d d%d causal=%v", bs, l, heads, d, causal),
		flops: 4 * float64(bs*heads*l*l*d),
		bytes: 4 * 4 * float64(bs*l*heads*d),
		tol:   1e-8,
		setup: func(b kernels.Backend) (func() kernels.Tensor, func() []float32, func(), error) {
			in := newInputs(b)
			q, qd := in.f32(bs, l, heads*d)
			k, kd := in.f32(bs, l, heads*d)
			v, vd := in.f32(bs, l, heads*d)
			return func() kernels.Tensor { return b.Attention(q, k, v, heads, heads, causal) },
				func() []float32 { return ref.Attention(qd, kd, vd, bs, l, l, heads, heads, d, causal) }, in.free, in.err
		},
	}
}

// elementwise measures memory bandwidth with ScaleBias (read + write).
func elementwise(n int) benchCase {
	return benchCase{
		name:  fmt.Sprintf("scale_bias %d values", n),
		bytes: 8 * float64(n),
		tol:   1e-12,
		setup: func(b kernels.Backend) (func() kernels.Tensor, func() []float32, func(), error) {
			in := newInputs(b)
			x, xd := in.f32(n)
			return func() kernels.Tensor { return b.ScaleBias(x, 2, 1) },
				func() []float32 { return ref.ScaleBias(xd, 2, 1) }, in.free, in.err
		},
	}
}

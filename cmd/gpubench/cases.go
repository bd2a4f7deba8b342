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
// and returns the op ready to run, its reference answer, and the same op
// described for tfjs-backend-webgpu (bench/tfjs.mjs) on the same inputs.
type benchCase struct {
	name         string
	flops, bytes float64 // per run; a multiply-add counts 2
	tol          float64 // NMSE bound of the correctness check (ours and tfjs's)
	// vsCopy: the row also gives its GB/s as a share of the copy kernel's
	// (a bandwidth-bound case: the Q8_0/Q4_0 matrix-vector products).
	vsCopy bool
	// yardstick: this is the copy kernel, whose GB/s vsCopy rows divide by.
	yardstick bool
	setup     func(b kernels.Backend) (*prepared, error)
}

type prepared struct {
	run  func() kernels.Tensor // one run; its output is checked, then freed
	want func() []float32      // the whole reference
	// wantRows, when the op's output rows are independent (a matmul),
	// computes the reference of some of the outRows rows of rowLen values
	// only: big cases are checked on sampled rows (check.go).
	wantRows        func(rows []int) []float32
	outRows, rowLen int
	// verify, when set, replaces run and want: it runs the op and checks
	// the result itself (the copy cases, which write in place).
	verify func() error
	// timed is one run inside a timed sample; nil means free(run()).
	timed func()
	free  func()
	tf    tfjsOp // Op "" when tfjs has no equivalent
}

// tfjsOp is what bench/tfjs.mjs runs: an op name, its parameters and its
// inputs (shape and values), in genplay's layouts; the script converts
// layouts (NCHW weights to HWIO, ...) outside the timed region.
type tfjsOp struct {
	Op     string
	Params map[string]any
	Inputs []hostTensor
	Note   string // what differs from our op, e.g. "f32 weights"
}

type hostTensor struct {
	Shape []int
	Data  []float32
}

type inputs struct {
	b    kernels.Backend
	rng  *rand.Rand
	ts   []kernels.Tensor
	host []hostTensor
	err  error
}

func newInputs(b kernels.Backend) *inputs {
	return &inputs{b: b, rng: rand.New(rand.NewPCG(1, 2))}
}

// f32 makes a uniform [-1, 1) input, uploads it and keeps it for tfjs.
func (in *inputs) f32(shape ...int) (kernels.Tensor, []float32) {
	x := make([]float32, numel(shape))
	for i := range x {
		x[i] = 2*in.rng.Float32() - 1
	}
	in.host = append(in.host, hostTensor{shape, x})
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

func (in *inputs) prepared(run func() kernels.Tensor, want func() []float32, tf tfjsOp) (*prepared, error) {
	tf.Inputs = in.host
	if in.err != nil {
		in.free()
		return nil, in.err
	}
	return &prepared{run: run, want: want, free: in.free, tf: tf}, nil
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// cases returns the table. small is sized for SwiftShader on two loaded
// cores (each tfjs 1024^3 matmul there takes 20-30 s, so the square
// 1024/2048/4096 matmuls are in large only); large is for real GPUs.
func cases(large bool) []benchCase {
	// Shapes the default models use: the UNet (channels 32/64/64 at 32, 16
	// and 8 pixels, batch 2 for classifier-free guidance, one attention
	// head of 64 over 8x8 tokens in the mid block) and a small decoder LM
	// (dim 256, MLP 1024, Q8_0/Q4_0 weights, decode M=1, prefill M=64).
	model := []benchCase{
		matmul(1, 64, 1024, 256, true),
		matmul(2, 64, 64, 64, true),
		matmulQuant(quant.Q8_0, 1, 1024, 256),
		matmulQuant(quant.Q4_0, 1, 1024, 256),
		matmulQuant(quant.Q8_0, 64, 1024, 256),
		conv2d(2, 32, 32, 32, 32, 3, 1, 1),
		conv2d(2, 64, 16, 16, 64, 3, 1, 1),
		conv2d(2, 32, 32, 32, 64, 3, 2, 1),
		attention(2, 64, 1, 64, false),
		attention(1, 64, 4, 64, true),
	}
	// The copies come first: the matrix-vector rows are set against the
	// copy kernel's bandwidth.
	if !large {
		small := []benchCase{copyCase(4<<20, true), copyCase(4<<20, false), matmul(1, 128, 128, 128, true), matmul(1, 256, 256, 256, false)}
		return append(small, model...)
	}
	return append([]benchCase{copyCase(256<<20, true), copyCase(256<<20, false)}, append(model,
		matmul(1, 1024, 1024, 1024, false), matmul(1, 2048, 2048, 2048, false), matmul(1, 4096, 4096, 4096, false),
		matmulQuant(quant.Q8_0, 1, 4096, 4096), matmulQuant(quant.Q4_0, 1, 4096, 4096),
		matmulQuant(quant.Q8_0, 512, 4096, 4096),
		conv2d(1, 128, 64, 64, 128, 3, 1, 1),
		attention(1, 1024, 8, 64, true),
	)...)
}

func matmul(batch, m, n, k int, transB bool) benchCase {
	name := fmt.Sprintf("matmul f32 %dx%dx%d", m, n, k)
	if batch > 1 {
		name = fmt.Sprintf("matmul f32 %dx(%dx%dx%d)", batch, m, n, k)
	}
	if transB {
		name += " transB"
	}
	return benchCase{
		name:  name,
		flops: 2 * float64(batch*m*n*k),
		bytes: 4 * float64(batch*(m*k+k*n+m*n)),
		tol:   1e-9,
		setup: func(b kernels.Backend) (*prepared, error) {
			in := newInputs(b)
			x, xd := in.f32(batch, m, k)
			wshape := []int{batch, k, n}
			if transB {
				wshape = []int{batch, n, k}
			}
			w, wd := in.f32(wshape...)
			p, err := in.prepared(func() kernels.Tensor { return b.MatMul(x, w, transB) },
				func() []float32 { return ref.MatMul(xd, wd, batch, m, n, k, true, transB) },
				tfjsOp{Op: "matmul", Params: map[string]any{"transB": transB}})
			if p != nil {
				p.outRows, p.rowLen = batch*m, n
				p.wantRows = func(rows []int) []float32 {
					return refRows(rows, xd, m, k, func(bt int, a []float32, r int) []float32 {
						return ref.MatMul(a, wd[bt*n*k:(bt+1)*n*k], 1, r, n, k, false, transB)
					})
				}
			}
			return p, err
		},
	}
}

// matmulQuant multiplies [m, k] by a quantized nn.Linear weight [n, k];
// m = 1 is one decode step (memory bound). tfjs has no Q8_0/Q4_0, so it
// runs the same product with the dequantized weights in f32.
func matmulQuant(dt quant.DType, m, n, k int) benchCase {
	bn, bb, _ := dt.BlockBytes()
	wbytes := float64(n*k) * float64(bb) / float64(bn)
	return benchCase{
		name:   fmt.Sprintf("matmul %v %dx%dx%d", dt, m, n, k),
		flops:  2 * float64(m*n*k),
		bytes:  wbytes + 4*float64(m*k+m*n),
		tol:    1e-9,
		vsCopy: m == 1,
		setup: func(b kernels.Backend) (*prepared, error) {
			in := newInputs(b)
			x, xd := in.f32(m, k)
			wf := make([]float32, n*k)
			for i := range wf {
				wf[i] = 2*in.rng.Float32() - 1
			}
			raw, err := quant.Quantize(dt, wf)
			if err != nil {
				in.free()
				return nil, err
			}
			w, err := b.UploadRaw("w", []int{n, k}, dt, raw)
			if err != nil {
				in.free()
				return nil, err
			}
			in.ts = append(in.ts, w)
			deq, err := quant.Dequantize(dt, raw, n*k)
			if err != nil {
				in.free()
				return nil, err
			}
			in.host = append(in.host, hostTensor{[]int{n, k}, deq})
			p, err := in.prepared(func() kernels.Tensor { return b.MatMul(x, w, true) },
				func() []float32 { return ref.MatMulRaw(xd, raw, dt, 1, m, n, k, false) },
				tfjsOp{Op: "matmul", Params: map[string]any{"transB": true}, Note: "tfjs: f32 weights"})
			if p != nil {
				p.outRows, p.rowLen = m, n
				p.wantRows = func(rows []int) []float32 {
					return refRows(rows, xd, m, k, func(_ int, a []float32, r int) []float32 {
						return ref.MatMulRaw(a, raw, dt, 1, r, n, k, false)
					})
				}
			}
			return p, err
		},
	}
}

func conv2d(n, c, h, w, o, k, stride, pad int) benchCase {
	oh, ow := ref.ConvOut(h, k, stride, pad), ref.ConvOut(w, k, stride, pad)
	return benchCase{
		name:  fmt.Sprintf("conv2d %dx%d/%d %d->%d %dx%d n%d", k, k, stride, c, o, h, w, n),
		flops: 2 * float64(n*o*oh*ow*c*k*k),
		bytes: 4 * float64(n*c*h*w+o*c*k*k+o+n*o*oh*ow),
		tol:   1e-9,
		setup: func(b kernels.Backend) (*prepared, error) {
			in := newInputs(b)
			x, xd := in.f32(n, c, h, w)
			wt, wd := in.f32(o, c, k, k)
			bias, bd := in.f32(o)
			return in.prepared(func() kernels.Tensor { return b.Conv2d(x, wt, bias, stride, pad) },
				func() []float32 { return ref.Conv2d(xd, wd, bd, n, c, h, w, o, k, stride, pad) },
				tfjsOp{Op: "conv2d", Params: map[string]any{"stride": stride, "pad": pad}})
		},
	}
}

// attention is self-attention over l tokens; tfjs builds it from its ops
// (transpose, matMul, mask, softmax, matMul, transpose).
func attention(bs, l, heads, d int, causal bool) benchCase {
	return benchCase{
		name:  fmt.Sprintf("attention b%d l%d h%d d%d causal=%v", bs, l, heads, d, causal),
		flops: 4 * float64(bs*heads*l*l*d),
		bytes: 4 * 4 * float64(bs*l*heads*d),
		tol:   1e-8,
		setup: func(b kernels.Backend) (*prepared, error) {
			in := newInputs(b)
			q, qd := in.f32(bs, l, heads*d)
			k, kd := in.f32(bs, l, heads*d)
			v, vd := in.f32(bs, l, heads*d)
			return in.prepared(func() kernels.Tensor { return b.Attention(q, k, v, heads, heads, causal) },
				func() []float32 { return ref.Attention(qd, kd, vd, bs, l, l, heads, heads, d, causal) },
				tfjsOp{Op: "attention", Params: map[string]any{"heads": heads, "causal": causal}, Note: "tfjs: built from its ops"})
		},
	}
}

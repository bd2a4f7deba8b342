package selftest

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/weights/quant"
)

// Tolerances on NMSE. A wrong index or a missing term gives 1e-3 or worse;
// these leave room for summation order and for the GPU's own exp, tanh and
// trigonometry (WGSL's sin and cos are only accurate to about 2⁻¹¹).
const (
	tolLinear = 1e-9 // sums of products
	tolNorm   = 1e-8 // a mean, a variance and an inverse square root per row
	tolTransc = 1e-8 // exp, tanh, erf; a softmax of logits off by 0.1% gives 3e-7
	tolTrig   = 1e-5 // sin, cos of arguments far from 0
)

// Constructors of cases, one per op. Each names its shapes, counts its work
// and builds the backend call next to the reference call on the same data.

const f = 4 // bytes per f32

func matmulCase(batch, m, n, k int, bBatched, transB bool) Case {
	ashape := []int{m, k}
	if batch > 1 || bBatched {
		ashape = []int{batch, m, k}
	}
	bshape := []int{k, n}
	if transB {
		bshape = []int{n, k}
	}
	if bBatched {
		bshape = append([]int{batch}, bshape...)
	}
	nb := 1
	if bBatched {
		nb = batch
	}
	return Case{
		Op:    "MatMul",
		Shape: fmt.Sprintf("a%v b%v transB=%v", ashape, bshape, transB),
		FLOPs: 2 * float64(batch*m*n*k),
		Bytes: f * float64(batch*m*k+nb*n*k+batch*m*n),
		tol:   tolLinear,
		build: func(e *env) op {
			a, ad := e.f32("a", 1, ashape...)
			b, bd := e.f32("b", 1, bshape...)
			return op{
				run:   func() kernels.Tensor { return e.b.MatMul(a, b, transB) },
				want:  func() []float32 { return ref.MatMul(ad, bd, batch, m, n, k, bBatched, transB) },
				shape: append(ashape[:len(ashape)-1:len(ashape)-1], n),
			}
		},
	}
}

// matmulRawCase multiplies by a transposed weight b [n, k] stored as dt.
func matmulRawCase(dt quant.DType, batch, m, n, k int) Case {
	ashape := []int{m, k}
	if batch > 1 {
		ashape = []int{batch, m, k}
	}
	rowBytes, _ := dt.RowBytes(int64(k))
	return Case{
		Op:    "MatMul/" + dt.String(),
		Shape: fmt.Sprintf("a%v b[%d %d]", ashape, n, k),
		FLOPs: 2 * float64(batch*m*n*k),
		Bytes: float64(f*batch*m*k) + float64(n)*float64(rowBytes) + float64(f*batch*m*n),
		tol:   tolLinear,
		build: func(e *env) op {
			a, ad := e.f32("a", 1, ashape...)
			b, braw := e.raw("b", dt, n, k)
			return op{
				run:   func() kernels.Tensor { return e.b.MatMul(a, b, true) },
				want:  func() []float32 { return ref.MatMulRaw(ad, braw, dt, batch, m, n, k, false) },
				shape: append(ashape[:len(ashape)-1:len(ashape)-1], n),
			}
		},
	}
}

// binaryCase is Add or Mul with b of shape bshape, a suffix of ashape.
func binaryCase(name string, ashape, bshape []int) Case {
	n := numel(ashape)
	return Case{
		Op:    name,
		Shape: fmt.Sprintf("a%v b%v", ashape, bshape),
		FLOPs: float64(n),
		Bytes: f * float64(2*n+numel(bshape)),
		tol:   tolLinear,
		build: func(e *env) op {
			a, ad := e.f32("a", 1, ashape...)
			b, bd := e.f32("b", 1, bshape...)
			o := op{shape: ashape}
			if name == "Add" {
				o.run = func() kernels.Tensor { return e.b.Add(a, b) }
				o.want = func() []float32 { return ref.Add(ad, bd) }
			} else {
				o.run = func() kernels.Tensor { return e.b.Mul(a, b) }
				o.want = func() []float32 { return ref.Mul(ad, bd) }
			}
			return o
		},
	}
}

// unaryCase is an op of one tensor and a shape-preserving result: ScaleBias,
// SiLU, GELU, GELUErf or Softmax; scale is the input range.
func unaryCase(name string, scale float32, shape ...int) Case {
	type pair struct {
		run   func(kernels.Backend, kernels.Tensor) kernels.Tensor
		ref   func([]float32) []float32
		flops int
		tol   float64
	}
	cols := shape[len(shape)-1]
	ops := map[string]pair{
		"ScaleBias": {func(b kernels.Backend, x kernels.Tensor) kernels.Tensor { return b.ScaleBias(x, -1.5, 0.25) },
			func(x []float32) []float32 { return ref.ScaleBias(x, -1.5, 0.25) }, 2, tolLinear},
		"SiLU":    {kernels.Backend.SiLU, ref.SiLU, 4, tolTransc},
		"GELU":    {kernels.Backend.GELU, ref.GELU, 8, tolTransc},
		"GELUErf": {kernels.Backend.GELUErf, ref.GELUErf, 8, tolTransc},
		"Softmax": {kernels.Backend.Softmax,
			func(x []float32) []float32 { return ref.Softmax(x, len(x)/cols, cols) }, 5, tolTransc},
	}
	p, ok := ops[name]
	if !ok {
		panic("selftest: no unary op " + name)
	}
	n := numel(shape)
	return Case{
		Op:    name,
		Shape: fmt.Sprintf("x%v range ±%g", shape, scale),
		FLOPs: float64(p.flops * n),
		Bytes: f * float64(2*n),
		tol:   p.tol,
		build: func(e *env) op {
			x, xd := e.f32("x", scale, shape...)
			return op{
				run:   func() kernels.Tensor { return p.run(e.b, x) },
				want:  func() []float32 { return p.ref(xd) },
				shape: shape,
			}
		},
	}
}

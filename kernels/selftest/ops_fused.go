package selftest

import (
	"fmt"
	"slices"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/weights/quant"
)

// groupNormSiLUCase checks kernels.GroupNormSiLU (fused on backends that
// implement kernels.GroupNormSiLUer) against the two reference ops.
func groupNormSiLUCase(groups int, affine bool, shape ...int) Case {
	n, c := shape[0], shape[1]
	size := numel(shape)
	return Case{
		Op:    "GroupNormSiLU",
		Shape: fmt.Sprintf("x%v groups=%d affine=%v", shape, groups, affine),
		FLOPs: 12 * float64(size),
		Bytes: f * float64(2*size),
		tol:   tolNorm,
		build: func(e *env) op {
			x, xd := e.f32Around("x", -2, 2, shape...)
			g, gd := e.maybe(affine, "gamma", c, 2)
			b, bd := e.maybe(affine, "beta", c, 1)
			return op{
				run: func() kernels.Tensor { return kernels.GroupNormSiLU(e.b, x, g, b, groups, 1e-5) },
				want: func() []float32 {
					return ref.SiLU(ref.GroupNorm(xd, gd, bd, n, c, size/(n*c), groups, 1e-5))
				},
				shape: shape,
			}
		},
	}
}

// addChannelsCase checks kernels.ChannelAdder's AddChannels. A backend
// without the op (it is optional) runs what the UNet does instead: a
// MatMul by a row of ones to broadcast p, then Add.
func addChannelsCase(shape ...int) Case {
	rows := shape[0] * shape[1]
	size := numel(shape)
	inner := size / rows
	return Case{
		Op:    "AddChannels",
		Shape: fmt.Sprintf("x%v p[%d %d]", shape, shape[0], shape[1]),
		FLOPs: float64(size),
		Bytes: f * float64(2*size+rows),
		tol:   tolLinear,
		build: func(e *env) op {
			x, xd := e.f32("x", 1, shape...)
			p, pd := e.f32("p", 1, shape[0], shape[1])
			return op{
				run:   func() kernels.Tensor { return e.addChannels(x, p) },
				want:  func() []float32 { return ref.AddChannels(xd, pd, rows, inner) },
				shape: shape,
			}
		},
	}
}

// addChannels adds p [N, C] to x [N, C, ...] as a UNet does: with the
// backend's AddChannels, else (it is optional) a MatMul by a row of ones to
// broadcast p, then Add.
func (e *env) addChannels(x, p kernels.Tensor) kernels.Tensor {
	if ca, ok := e.b.(kernels.ChannelAdder); ok {
		return ca.AddChannels(x, p)
	}
	shape := x.Shape()
	rows := shape[0] * shape[1]
	ones, _ := e.f32Around("ones", 1, 0, 1, numel(shape)/rows)
	wide := e.b.MatMul(e.b.Reshape(p, rows, 1), ones, false)
	e.keep(wide)
	return e.b.Add(x, e.b.Reshape(wide, shape...))
}

// matmulEpilogueCase checks a matrix product with a fused epilogue against
// the reference's separate ops: kernels.MatMulAdd (added: c has shape
// cshape, a suffix of the product's), kernels.MatMulGated (gated: c is the
// gate, of the product's shape) or kernels.MatMulAddGELU (biasGELU: c is
// the bias). b is [n, k] of dtype dt (transB).
func matmulEpilogueCase(fused string, dt quant.DType, ashape []int, n int, cshape ...int) Case {
	k := ashape[len(ashape)-1]
	rows := numel(ashape) / k
	out := append(slices.Clone(ashape[:len(ashape)-1]), n)
	if fused == gated {
		cshape = out
	}
	rowBytes, _ := dt.RowBytes(int64(k))
	return Case{
		Op:    fused + "/" + dt.String(),
		Shape: fmt.Sprintf("a%v b[%d %d] c%v", ashape, n, k, cshape),
		FLOPs: 2 * float64(rows*n*k),
		Bytes: float64(f*rows*k) + float64(n)*float64(rowBytes) + float64(f*(rows*n+numel(cshape))),
		tol:   tolLinear,
		build: func(e *env) op {
			a, ad := e.f32("a", 1, ashape...)
			b, braw := e.raw("b", dt, n, k)
			c, cd := e.f32("c", 2, cshape...)
			o := op{shape: out}
			product := func() []float32 { return ref.MatMulRaw(ad, braw, dt, 1, rows, n, k, false) }
			switch fused {
			case gated:
				o.run = func() kernels.Tensor { return kernels.MatMulGated(e.b, a, b, c, true) }
				o.want = func() []float32 { return ref.Mul(ref.SiLU(cd), product()) }
			case biasGELU:
				o.run = func() kernels.Tensor { return kernels.MatMulAddGELU(e.b, a, b, c, true) }
				o.want = func() []float32 { return ref.GELU(ref.Add(product(), cd)) }
			default:
				o.run = func() kernels.Tensor { return kernels.MatMulAdd(e.b, a, b, c, true) }
				o.want = func() []float32 { return ref.Add(product(), cd) }
			}
			return o
		},
	}
}

// The fused ops of matmulEpilogueCase, named as their cases are.
const (
	added    = "MatMulAdd"
	gated    = "MatMulGated"
	biasGELU = "MatMulAddGELU"
)

// appendRowsCase checks kernels.AppendRows: a [1, l0, c] sequence grown by
// each of steps in turn (a prefill, then decode steps), which exercises
// both a backend's reallocation and its in-place path, against
// ConcatChannels in the reference.
func appendRowsCase(c, l0 int, steps ...int) Case {
	total := l0
	for _, s := range steps {
		total += s
	}
	return Case{
		Op:    "AppendRows",
		Shape: fmt.Sprintf("seq[1 %d %d] + rows %v", l0, c, steps),
		Bytes: f * float64(2*total*c),
		tol:   0,
		build: func(e *env) op {
			seqd := e.random(l0*c, 1)
			parts := make([]kernels.Tensor, len(steps))
			partd := make([][]float32, len(steps))
			for i, s := range steps {
				parts[i], partd[i] = e.f32(fmt.Sprintf("x%d", i), 1, 1, s, c)
			}
			return op{
				run: func() kernels.Tensor {
					// Uploaded here: AppendRows consumes it.
					seq, err := e.b.Upload("seq", []int{1, l0, c}, seqd)
					if err != nil {
						panic(setupError{err})
					}
					for _, p := range parts {
						seq = kernels.AppendRows(e.b, seq, p)
					}
					return seq
				},
				want: func() []float32 {
					want := seqd
					for i, s := range steps {
						want = ref.ConcatChannels(want, partd[i], 1, len(want)/c, s, c)
					}
					return want
				},
				shape: []int{1, total, c},
			}
		},
	}
}

// conv2dAddCase checks kernels.Conv2dAdd against Conv2d then Add in the
// reference.
func conv2dAddCase(n, c, h, w, o, k, stride, pad int) Case {
	oh, ow := (h+2*pad-k)/stride+1, (w+2*pad-k)/stride+1
	out := []int{n, o, oh, ow}
	return Case{
		Op:    "Conv2dAdd",
		Shape: fmt.Sprintf("x[%d %d %d %d] w[%d %d %d %d] s%d p%d", n, c, h, w, o, c, k, k, stride, pad),
		FLOPs: 2 * float64(n*o*oh*ow*c*k*k),
		Bytes: f * float64(n*c*h*w+o*c*k*k+2*numel(out)),
		tol:   tolLinear,
		build: func(e *env) op {
			x, xd := e.f32("x", 1, n, c, h, w)
			wt, wd := e.f32("w", 1, o, c, k, k)
			b, bd := e.f32("bias", 1, o)
			r, rd := e.f32("r", 2, out...)
			return op{
				run: func() kernels.Tensor { return kernels.Conv2dAdd(e.b, x, wt, b, r, stride, pad) },
				want: func() []float32 {
					return ref.Add(ref.Conv2d(xd, wd, bd, n, c, h, w, o, k, stride, pad), rd)
				},
				shape: out,
			}
		},
	}
}

// splitQKVCase checks output which (0 q, 1 k, 2 v) of kernels.SplitQKV
// against the columns of qkv, rotated by ref.RoPE when base > 0.
func splitQKVCase(which, bs, l, nh, nkv, d, pos0 int, base float32) Case {
	width := (nh + 2*nkv) * d
	heads := []int{nh, nkv, nkv}[which]
	first := []int{0, nh * d, (nh + nkv) * d}[which]
	return Case{
		Op:    "SplitQKV/" + []string{"q", "k", "v"}[which],
		Shape: fmt.Sprintf("qkv[%d %d %d] heads%d/%d pos%d base%g", bs, l, width, nh, nkv, pos0, base),
		Bytes: f * float64(2*bs*l*width),
		tol:   tolTrig,
		build: func(e *env) op {
			x, xd := e.f32("qkv", 1, bs, l, width)
			return op{
				run: func() kernels.Tensor {
					q, k, v := kernels.SplitQKV(e.b, x, nh, nkv, pos0, base)
					parts := []kernels.Tensor{q, k, v}
					for i, t := range parts {
						if i != which {
							e.keep(t)
						}
					}
					return parts[which]
				},
				want: func() []float32 {
					cols := ref.Transpose(ref.Rows(ref.Transpose(xd, bs, l, width), bs, width, l, first, heads*d), bs, heads*d, l)
					if base > 0 && which < 2 {
						return ref.RoPE(cols, bs, l, heads, d, pos0, base)
					}
					return cols
				},
				shape: []int{bs, l, heads * d},
			}
		},
	}
}

// swigluCase checks kernels.SwiGLU against SiLU(a·gateᵀ) · (a·upᵀ) in the
// reference, gate and up [n, k] of dtype dt.
func swigluCase(dt quant.DType, ashape []int, n int) Case {
	k := ashape[len(ashape)-1]
	rows := numel(ashape) / k
	rowBytes, _ := dt.RowBytes(int64(k))
	return Case{
		Op:    "SwiGLU/" + dt.String(),
		Shape: fmt.Sprintf("a%v gate, up [%d %d]", ashape, n, k),
		FLOPs: 4 * float64(rows*n*k),
		Bytes: float64(f*rows*k) + 2*float64(n)*float64(rowBytes) + float64(f*rows*n),
		tol:   tolTransc,
		build: func(e *env) op {
			a, ad := e.f32("a", 1, ashape...)
			g, graw := e.raw("gate", dt, n, k)
			u, uraw := e.raw("up", dt, n, k)
			return op{
				run: func() kernels.Tensor { return kernels.SwiGLU(e.b, a, g, u) },
				want: func() []float32 {
					return ref.Mul(ref.SiLU(ref.MatMulRaw(ad, graw, dt, 1, rows, n, k, false)), ref.MatMulRaw(ad, uraw, dt, 1, rows, n, k, false))
				},
				shape: append(slices.Clone(ashape[:len(ashape)-1]), n),
			}
		},
	}
}

// rmsNormMatMulCase checks kernels.RMSNormMatMul (dual: RMSNormSwiGLU)
// against the reference RMSNorm then MatMul (then SiLU(gate)·up), weights
// [n, k] of dtype dt.
func rmsNormMatMulCase(dt quant.DType, dual bool, ashape []int, n int) Case {
	k := ashape[len(ashape)-1]
	rows := numel(ashape) / k
	rowBytes, _ := dt.RowBytes(int64(k))
	name, weights := "RMSNormMatMul", 1
	if dual {
		name, weights = "RMSNormSwiGLU", 2
	}
	return Case{
		Op:    name + "/" + dt.String(),
		Shape: fmt.Sprintf("x%v w [%d %d]", ashape, n, k),
		FLOPs: float64(weights*2*rows*n*k + 4*rows*k),
		Bytes: float64(f*(rows+1)*k) + float64(weights*n)*float64(rowBytes) + float64(f*rows*n),
		tol:   tolTransc,
		build: func(e *env) op {
			x, xd := e.f32Around("x", 0.3, 2, ashape...)
			g, gd := e.f32Around("gamma", 1, 0.5, k)
			w, wraw := e.raw("w", dt, n, k)
			var u kernels.Tensor
			var uraw []byte
			if dual {
				u, uraw = e.raw("up", dt, n, k)
			}
			return op{
				run: func() kernels.Tensor {
					if dual {
						return kernels.RMSNormSwiGLU(e.b, x, g, 1e-5, w, u)
					}
					return kernels.RMSNormMatMul(e.b, x, g, 1e-5, w)
				},
				want: func() []float32 {
					h := ref.RMSNorm(xd, gd, rows, k, 1e-5)
					p := ref.MatMulRaw(h, wraw, dt, 1, rows, n, k, false)
					if dual {
						return ref.Mul(ref.SiLU(p), ref.MatMulRaw(h, uraw, dt, 1, rows, n, k, false))
					}
					return p
				},
				shape: append(slices.Clone(ashape[:len(ashape)-1]), n),
			}
		},
	}
}

// conv2dAddChannelsCase checks kernels.Conv2dChannelAdder's
// Conv2dAddChannels against the reference Conv2d then AddChannels. A
// backend without the op runs Conv2d then AddChannels, as the UNet does.
func conv2dAddChannelsCase(n, c, h, w, o, k, stride, pad int) Case {
	oh, ow := (h+2*pad-k)/stride+1, (w+2*pad-k)/stride+1
	out := []int{n, o, oh, ow}
	return Case{
		Op:    "Conv2dAddChannels",
		Shape: fmt.Sprintf("x[%d %d %d %d] w[%d %d %d %d] s%d p%d", n, c, h, w, o, c, k, k, stride, pad),
		FLOPs: 2 * float64(n*o*oh*ow*c*k*k),
		Bytes: f * float64(n*c*h*w+o*c*k*k+numel(out)+n*o),
		tol:   tolLinear,
		build: func(e *env) op {
			x, xd := e.f32("x", 1, n, c, h, w)
			wt, wd := e.f32("w", 1, o, c, k, k)
			b, bd := e.f32("bias", 1, o)
			p, pd := e.f32("p", 2, n, o)
			run := func() kernels.Tensor {
				if f, ok := e.b.(kernels.Conv2dChannelAdder); ok {
					return f.Conv2dAddChannels(x, wt, b, p, stride, pad)
				}
				conv := e.b.Conv2d(x, wt, b, stride, pad)
				e.keep(conv)
				return e.addChannels(conv, p)
			}
			return op{
				run: run,
				want: func() []float32 {
					return ref.AddChannels(ref.Conv2d(xd, wd, bd, n, c, h, w, o, k, stride, pad), pd, n*o, oh*ow)
				},
				shape: out,
			}
		},
	}
}

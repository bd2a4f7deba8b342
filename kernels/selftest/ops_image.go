package selftest

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
)

// conv2dCase convolves x [n, c, h, w] with w [o, c, k, k].
func conv2dCase(n, c, h, w, o, k, stride, pad int, bias bool) Case {
	oh, ow := ref.ConvOut(h, k, stride, pad), ref.ConvOut(w, k, stride, pad)
	return Case{
		Op:    "Conv2d",
		Shape: fmt.Sprintf("x[%d %d %d %d] w[%d %d %d %d] s%d p%d bias=%v", n, c, h, w, o, c, k, k, stride, pad, bias),
		FLOPs: 2 * float64(n*o*oh*ow*c*k*k),
		Bytes: f * float64(n*c*h*w+o*c*k*k+n*o*oh*ow),
		tol:   tolLinear,
		build: func(e *env) op {
			x, xd := e.f32("x", 1, n, c, h, w)
			wt, wd := e.f32("w", 1, o, c, k, k)
			b, bd := e.maybe(bias, "bias", o, 1)
			return op{
				run:   func() kernels.Tensor { return e.b.Conv2d(x, wt, b, stride, pad) },
				want:  func() []float32 { return ref.Conv2d(xd, wd, bd, n, c, h, w, o, k, stride, pad) },
				shape: []int{n, o, oh, ow},
			}
		},
	}
}

func upsampleCase(n, c, h, w int) Case {
	return Case{
		Op:    "Upsample2x",
		Shape: fmt.Sprintf("x[%d %d %d %d]", n, c, h, w),
		Bytes: f * float64(5*n*c*h*w),
		tol:   0, // a copy: exact
		build: func(e *env) op {
			x, xd := e.f32("x", 1, n, c, h, w)
			return op{
				run:   func() kernels.Tensor { return e.b.Upsample2x(x) },
				want:  func() []float32 { return ref.Upsample2x(xd, n, c, h, w) },
				shape: []int{n, c, 2 * h, 2 * w},
			}
		},
	}
}

// concatCase joins a [n, c1, rest...] and b [n, c2, rest...].
func concatCase(n, c1, c2 int, rest ...int) Case {
	inner := numel(rest)
	ashape := append([]int{n, c1}, rest...)
	bshape := append([]int{n, c2}, rest...)
	return Case{
		Op:    "ConcatChannels",
		Shape: fmt.Sprintf("a%v b%v", ashape, bshape),
		Bytes: f * float64(2*n*(c1+c2)*inner),
		tol:   0,
		build: func(e *env) op {
			a, ad := e.f32("a", 1, ashape...)
			b, bd := e.f32("b", 1, bshape...)
			return op{
				run:   func() kernels.Tensor { return e.b.ConcatChannels(a, b) },
				want:  func() []float32 { return ref.ConcatChannels(ad, bd, n, c1, c2, inner) },
				shape: append([]int{n, c1 + c2}, rest...),
			}
		},
	}
}

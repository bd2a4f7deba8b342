package selftest

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
)

// maybe uploads a random [n] parameter when on, else returns nils: the norms
// take an optional gamma and beta.
func (e *env) maybe(on bool, name string, n int, scale float32) (kernels.Tensor, []float32) {
	if !on {
		return nil, nil
	}
	return e.f32(name, scale, n)
}

// layerNormCase normalizes rows of x [.., cols]; affine adds gamma and beta.
// The input is offset by 3 so a variance computed without the mean shows.
func layerNormCase(affine bool, shape ...int) Case {
	cols := shape[len(shape)-1]
	n := numel(shape)
	return Case{
		Op:    "LayerNorm",
		Shape: fmt.Sprintf("x%v affine=%v", shape, affine),
		FLOPs: 8 * float64(n),
		Bytes: f * float64(2*n),
		tol:   tolNorm,
		build: func(e *env) op {
			x, xd := e.f32Around("x", 3, 2, shape...)
			g, gd := e.maybe(affine, "gamma", cols, 2)
			b, bd := e.maybe(affine, "beta", cols, 1)
			return op{
				run:   func() kernels.Tensor { return e.b.LayerNorm(x, g, b, 1e-5) },
				want:  func() []float32 { return ref.LayerNorm(xd, gd, bd, n/cols, cols, 1e-5) },
				shape: shape,
			}
		},
	}
}

func rmsNormCase(shape ...int) Case {
	cols := shape[len(shape)-1]
	n := numel(shape)
	return Case{
		Op:    "RMSNorm",
		Shape: fmt.Sprintf("x%v", shape),
		FLOPs: 5 * float64(n),
		Bytes: f * float64(2*n),
		tol:   tolNorm,
		build: func(e *env) op {
			x, xd := e.f32("x", 2, shape...)
			g, gd := e.f32("gamma", 2, cols)
			return op{
				run:   func() kernels.Tensor { return e.b.RMSNorm(x, g, 1e-6) },
				want:  func() []float32 { return ref.RMSNorm(xd, gd, n/cols, cols, 1e-6) },
				shape: shape,
			}
		},
	}
}

// groupNormCase normalizes x [n, c, h, w] in groups.
func groupNormCase(groups int, affine bool, shape ...int) Case {
	n, c := shape[0], shape[1]
	size := numel(shape)
	return Case{
		Op:    "GroupNorm",
		Shape: fmt.Sprintf("x%v groups=%d affine=%v", shape, groups, affine),
		FLOPs: 8 * float64(size),
		Bytes: f * float64(2*size),
		tol:   tolNorm,
		build: func(e *env) op {
			x, xd := e.f32Around("x", -2, 2, shape...)
			g, gd := e.maybe(affine, "gamma", c, 2)
			b, bd := e.maybe(affine, "beta", c, 1)
			return op{
				run: func() kernels.Tensor { return e.b.GroupNorm(x, g, b, groups, 1e-5) },
				want: func() []float32 {
					return ref.GroupNorm(xd, gd, bd, n, c, size/(n*c), groups, 1e-5)
				},
				shape: shape,
			}
		},
	}
}

package selftest

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
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
			run := func() kernels.Tensor {
				if ca, ok := e.b.(kernels.ChannelAdder); ok {
					return ca.AddChannels(x, p)
				}
				ones, _ := e.f32Around("ones", 1, 0, 1, inner)
				wide := e.b.MatMul(e.b.Reshape(p, rows, 1), ones, false)
				e.keep(wide)
				return e.b.Add(x, e.b.Reshape(wide, shape...))
			}
			return op{
				run:   run,
				want:  func() []float32 { return ref.AddChannels(xd, pd, rows, inner) },
				shape: shape,
			}
		},
	}
}

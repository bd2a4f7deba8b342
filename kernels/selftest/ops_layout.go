package selftest

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
)

// transposeCase swaps the last two dimensions of x [batch, a, b].
func transposeCase(batch, a, b int) Case {
	return Case{
		Op:    "Transpose",
		Shape: fmt.Sprintf("x[%d %d %d]", batch, a, b),
		Bytes: f * float64(2*batch*a*b),
		tol:   0, // a copy: exact
		build: func(e *env) op {
			x, xd := e.f32("x", 1, batch, a, b)
			return op{
				run:   func() kernels.Tensor { return e.b.Transpose(x) },
				want:  func() []float32 { return ref.Transpose(xd, batch, a, b) },
				shape: []int{batch, b, a},
			}
		},
	}
}

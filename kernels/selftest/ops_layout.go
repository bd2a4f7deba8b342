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

// rowsCase copies rows [start, start+n) of x [batch, l, c].
func rowsCase(batch, l, c, start, n int) Case {
	return Case{
		Op:    "Rows",
		Shape: fmt.Sprintf("x[%d %d %d] rows[%d:%d]", batch, l, c, start, start+n),
		Bytes: f * float64(2*batch*n*c),
		tol:   0,
		build: func(e *env) op {
			x, xd := e.f32("x", 1, batch, l, c)
			return op{
				run:   func() kernels.Tensor { return e.b.Rows(x, start, n) },
				want:  func() []float32 { return ref.Rows(xd, batch, l, c, start, n) },
				shape: []int{batch, n, c},
			}
		},
	}
}

// reshapeCase views x [a, b] as [1, a·b] after an op, so the view of an op's
// output is what gets read back (and freed once).
func reshapeCase(a, b int) Case {
	return Case{
		Op:    "Reshape",
		Shape: fmt.Sprintf("x[%d %d] -> [1 %d]", a, b, a*b),
		Bytes: f * float64(2*a*b),
		tol:   0,
		build: func(e *env) op {
			x, xd := e.f32("x", 1, a, b)
			return op{
				run:   func() kernels.Tensor { return e.b.Reshape(e.b.ScaleBias(x, 2, 0), 1, a*b) },
				want:  func() []float32 { return ref.ScaleBias(xd, 2, 0) },
				shape: []int{1, a * b},
			}
		},
	}
}

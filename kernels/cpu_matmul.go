package kernels

import (
	"fmt"
	"slices"

	"github.com/genplay/genplay/weights/quant"
)

// Tile sizes of the parallel matmul: each work item computes up to
// tileM x tileN outputs, small enough that its rows of a and b stay in cache.
const (
	tileM = 32
	tileN = 64
	// quantDirectM is the number of rows of a below which a quantized matmul
	// takes dot products straight from the blocks; from it on, decoding a
	// few rows of b into a scratch tile and reusing them is cheaper.
	quantDirectM = 4
)

// matmulShape checks MatMul's operands and returns the batch count, M, N, K
// and whether b is batched.
func matmulShape(a, b *cpuTensor, transB bool) (batch, m, n, k int, bBatched bool) {
	as, bs := a.shape, b.shape
	bad := func(why string) {
		panic(fmt.Sprintf("kernels: MatMul: a %v and b %v (transB=%v): %s", as, bs, transB, why))
	}
	if len(as) < 2 || len(bs) < 2 {
		bad("both need at least 2 dimensions")
	}
	m, k = as[len(as)-2], as[len(as)-1]
	bk, n := bs[len(bs)-2], bs[len(bs)-1]
	if transB {
		n, bk = bk, n
	}
	if bk != k {
		bad(fmt.Sprintf("inner dimensions differ (%d and %d)", k, bk))
	}
	if len(bs) > 2 {
		if !slices.Equal(as[:len(as)-2], bs[:len(bs)-2]) {
			bad("batch dimensions differ")
		}
		bBatched = true
	}
	if b.src != quant.F32 && !transB {
		bad(fmt.Sprintf("a %v b needs transB", b.src))
	}
	batch = 1
	for _, d := range as[:len(as)-2] {
		batch *= d
	}
	return batch, m, n, k, bBatched
}

func (c *cpu) MatMul(a, b Tensor, transB bool) Tensor {
	at, bt := c.input("MatMul", a), c.tensor("MatMul", b)
	batch, m, n, k, bBatched := matmulShape(at, bt, transB)
	out := output("MatMul", append(slices.Clone(at.shape[:len(at.shape)-1]), n))
	if !bBatched {
		// A shared b is one matmul with all batches stacked as rows of a.
		m, batch = m*batch, 1
	}
	bf := bt.f32
	if bt.raw == nil && !transB {
		// Transposing b once makes every dot product walk memory in order.
		bf = make([]float32, len(bt.f32))
		for i := 0; i < batch; i++ {
			transpose(bf[i*k*n:][:k*n], bt.f32[i*k*n:][:k*n], k, n)
		}
	}
	mt, nt := ceilDiv(m, tileM), ceilDiv(n, tileN)
	rowBytes := 0
	if bt.raw != nil {
		rowBytes = k / quant.BlockSize * blockBytes(bt.dt)
	}
	c.parallel(batch*mt*nt, min(m, tileM)*min(n, tileN)*k, func(lo, hi int) {
		var scratch []float32
		for u := lo; u < hi; u++ {
			bi, rest := u/(mt*nt), u%(mt*nt)
			i0, j0 := rest/nt*tileM, rest%nt*tileN
			mm, nn := min(tileM, m-i0), min(tileN, n-j0)
			av := at.f32[(bi*m+i0)*k:]
			cv := out.f32[(bi*m+i0)*n+j0:]
			switch {
			case bt.raw == nil:
				bv := bf[(bi*n+j0)*k:]
				gemmNT(mm, nn, k, av, k, bv, k, cv, n)
			case mm < quantDirectM:
				matmulQuantDirect(mm, nn, k, av, bt, bi*n+j0, rowBytes, cv, n)
			default:
				if scratch == nil {
					scratch = make([]float32, tileN*k)
				}
				decodeRows(scratch, bt.raw, bt.dt, bi*n+j0, nn, k)
				gemmNT(mm, nn, k, av, k, scratch, k, cv, n)
			}
		}
	})
	return out
}

// matmulQuantDirect computes an mm x nn tile against quantized rows
// r0.. of b, one matrix-vector product per row of a.
func matmulQuantDirect(mm, nn, k int, a []float32, b *cpuTensor, r0, rowBytes int, out []float32, ldo int) {
	matvec := matvecQ8
	if b.dt == quant.Q4_0 {
		matvec = matvecQ4
	}
	w := b.raw[r0*rowBytes:][:nn*rowBytes]
	for i := 0; i < mm; i++ {
		matvec(out[i*ldo:][:nn], a[i*k:][:k], w, rowBytes)
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

package kernels_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/weights/quant"
)

// The CPU MatMul has several paths for a quantized b: four weight rows per
// pass with single-row leftovers (m < 4), decode-then-gemmNT (m >= 4) with
// gemmNT's 3x2 tiles and their row and column leftovers, and tiles split
// across threads. The shared op table has a few of these shapes; the tests
// below sweep them, against ref with selftest's bound for sums of products
// (NMSE 1e-9: a wrong index or a lost block is 1e-3 or worse, float
// rounding of these sums about 1e-14).
const tolLinear = 1e-9

// randomBlocks returns rows*k/32 GGML blocks of dt with random quants and
// scales drawn to include the half-precision cases the kernels' inline
// conversion must get right: normal, subnormal, zero and negative scales.
func randomBlocks(rng *rand.Rand, dt quant.DType, rows, k int) []byte {
	_, bb, _ := dt.BlockBytes()
	raw := make([]byte, rows*k/quant.BlockSize*bb)
	for b := 0; b < len(raw); b += bb {
		var h uint16
		switch rng.IntN(8) {
		case 0:
			h = uint16(1 + rng.IntN(0x3ff)) // subnormal
		case 1:
			h = 0 // a block of zeros (all-zero inputs quantize so)
		default:
			h = uint16(0x1c00 + rng.IntN(0x1000)) // about 2^-8 .. 2^-4
		}
		if rng.IntN(4) == 0 {
			h |= 0x8000
		}
		raw[b], raw[b+1] = byte(h), byte(h>>8)
		for j := b + 2; j < b+bb; j++ {
			raw[j] = byte(rng.IntN(256))
		}
	}
	return raw
}

func randomF32(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = 2*rng.Float32() - 1
	}
	return x
}

func TestCPUQuantMatMulShapes(t *testing.T) {
	backends := []kernels.Backend{kernels.NewCPUGrain(1, 1), kernels.NewCPUGrain(3, 1)}
	for _, dt := range []quant.DType{quant.Q8_0, quant.Q4_0} {
		for _, k := range []int{32, 96, 160} {
			for _, n := range []int{1, 2, 3, 4, 5, 7, 67} {
				for _, m := range []int{1, 2, 3, 4, 5, 8} {
					name := fmt.Sprintf("%v/m%d_n%d_k%d", dt, m, n, k)
					rng := rand.New(rand.NewPCG(uint64(m*1000+n), uint64(k)))
					raw := randomBlocks(rng, dt, n, k)
					a := randomF32(rng, m*k)
					want := ref.MatMulRaw(a, raw, dt, 1, m, n, k, false)
					for bi, b := range backends {
						got := matmulRaw(t, b, dt, a, raw, m, n, k)
						if e := selftest.NMSE(got, want); e > tolLinear {
							t.Errorf("%s backend %d: NMSE %.3g > %g", name, bi, e, tolLinear)
						}
					}
				}
			}
		}
	}
}

func matmulRaw(t *testing.T, b kernels.Backend, dt quant.DType, a []float32, raw []byte, m, n, k int) []float32 {
	t.Helper()
	at, err := b.Upload("a", []int{m, k}, a)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := b.UploadRaw("w", []int{n, k}, dt, raw)
	if err != nil {
		t.Fatal(err)
	}
	out := b.MatMul(at, wt, true)
	got, err := b.Download(out)
	if err != nil {
		t.Fatal(err)
	}
	b.Free(at)
	b.Free(wt)
	b.Free(out)
	return got
}

// TestCPUMatMulTileEdges runs the f32 MatMul over every combination of a
// few rows and columns, so gemmNT's 3x2 tiles, its leftover rows (one or
// two, four columns at a time) and its leftover column all meet ref, with k
// short, odd, and long enough for dot's tail.
func TestCPUMatMulTileEdges(t *testing.T) {
	b := kernels.NewCPU(1)
	for _, k := range []int{1, 7, 35} {
		for m := 1; m <= 8; m++ {
			for n := 1; n <= 9; n++ {
				rng := rand.New(rand.NewPCG(uint64(m), uint64(n*100+k)))
				a, w := randomF32(rng, m*k), randomF32(rng, n*k)
				at, _ := b.Upload("a", []int{m, k}, a)
				wt, _ := b.Upload("w", []int{n, k}, w)
				out := b.MatMul(at, wt, true)
				got, err := b.Download(out)
				if err != nil {
					t.Fatal(err)
				}
				want := ref.MatMul(a, w, 1, m, n, k, false, true)
				if e := selftest.NMSE(got, want); e > tolLinear {
					t.Errorf("m%d n%d k%d: NMSE %.3g > %g", m, n, k, e, tolLinear)
				}
				b.Free(at)
				b.Free(wt)
				b.Free(out)
			}
		}
	}
}

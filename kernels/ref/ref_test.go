package ref

import (
	"math"
	"testing"
)

// Hand-computed properties of the reference ops: the definitions everything
// else is compared with must themselves be right.

func near(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > tol {
			t.Fatalf("%s: [%d] = %v, want %v (all: %v)", what, i, got[i], want[i], got)
		}
	}
}

func TestMatMulByHand(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}    // [2, 3]
	b := []float32{7, 8, 9, 10, 11, 12} // [3, 2]
	want := []float32{58, 64, 139, 154}
	near(t, "a·b", MatMul(a, b, 1, 2, 2, 3, false, false), want, 0)
	bt := []float32{7, 9, 11, 8, 10, 12} // the same b as [2, 3]
	near(t, "a·btᵀ", MatMul(a, bt, 1, 2, 2, 3, false, true), want, 0)
	// A shared b serves every batch.
	near(t, "batched", MatMul(append(a, a...), b, 2, 2, 2, 3, false, false), append(want, want...), 0)
}

func TestSoftmaxOfEqualLogitsIsUniform(t *testing.T) {
	near(t, "softmax", Softmax([]float32{1000, 1000, 1000, -3, -3, -3}, 2, 3),
		[]float32{1. / 3, 1. / 3, 1. / 3, 1. / 3, 1. / 3, 1. / 3}, 1e-7)
}

func TestNormsByHand(t *testing.T) {
	// x = [1, 3]: mean 2, variance 1.
	near(t, "layernorm", LayerNorm([]float32{1, 3}, []float32{2, 1}, []float32{0, 10}, 1, 2, 0),
		[]float32{-2, 11}, 1e-6)
	// rms of [3, 4] is √12.5.
	r := float32(1 / math.Sqrt(12.5))
	near(t, "rmsnorm", RMSNorm([]float32{3, 4}, nil, 1, 2, 0), []float32{3 * r, 4 * r}, 1e-6)
	// Two groups of one channel each, two pixels: each channel normalized alone.
	near(t, "groupnorm", GroupNorm([]float32{1, 3, 10, 30}, nil, []float32{0, 5}, 1, 2, 2, 2, 0),
		[]float32{-1, 1, 4, 6}, 1e-6)
}

func TestActivationsByHand(t *testing.T) {
	x := []float32{0, 20, -20}
	near(t, "silu", SiLU(x), []float32{0, 20, 0}, 1e-6)
	near(t, "gelu", GELU(x), []float32{0, 20, 0}, 1e-6)
	near(t, "gelu_erf", GELUErf(x), []float32{0, 20, 0}, 1e-6)
	// GELU(1) = 0.8413447 (erf form) and 0.8411920 (tanh form).
	near(t, "gelu(1)", GELU([]float32{1}), []float32{0.841192}, 1e-6)
	near(t, "gelu_erf(1)", GELUErf([]float32{1}), []float32{0.8413447}, 1e-6)
}

func TestConvIdentity(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} // [1, 2, 2, 3]
	// 1x1 identity across two channels.
	near(t, "1x1", Conv2d(x, []float32{1, 0, 0, 1}, nil, 1, 2, 2, 3, 2, 1, 1, 0), x, 0)
	// 3x3 kernel with 1 at the centre and pad 1 keeps the image; bias adds.
	w := make([]float32, 2*2*9)
	w[0*18+0*9+4], w[1*18+1*9+4] = 1, 1
	want := Add(x, []float32{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -1, -1, -1, -1, -1, -1})
	near(t, "3x3", Conv2d(x, w, []float32{0.5, -1}, 1, 2, 2, 3, 2, 3, 1, 1), want, 0)
	// Stride 2 without padding picks every other pixel: [1, 1, 3, 3] -> 2x2.
	img := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	near(t, "stride2", Conv2d(img, []float32{1}, nil, 1, 1, 3, 3, 1, 1, 2, 0), []float32{1, 3, 7, 9}, 0)
	// A 3x3 box sum with pad 1 at a corner sees four pixels.
	box := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}
	near(t, "box", Conv2d(img, box, nil, 1, 1, 3, 3, 1, 3, 1, 1)[:1], []float32{1 + 2 + 4 + 5}, 0)
}

func TestAttentionByHand(t *testing.T) {
	// One key: the softmax is 1, every query returns that value.
	q := []float32{1, 2, -3, 4} // [1, 2, 2] (two queries, one head of d=2)
	k := []float32{5, 6}
	v := []float32{7, -8}
	near(t, "one key", Attention(q, k, v, 1, 2, 1, 1, 1, 2, false), []float32{7, -8, 7, -8}, 1e-6)
	// Causal, lq = lkv = 2: the first query sees only the first key.
	k2, v2 := []float32{1, 0, 0, 1}, []float32{10, 20, 30, 40}
	got := Attention([]float32{0, 0, 0, 0}, k2, v2, 1, 2, 2, 1, 1, 2, true)
	near(t, "causal", got, []float32{10, 20, 20, 30}, 1e-5)
	// Two query heads share one KV head (GQA): both give the same answer.
	got = Attention([]float32{0, 0, 0, 0}, k2[:2], v2[:2], 1, 1, 1, 2, 1, 2, false)
	near(t, "gqa", got, []float32{10, 20, 10, 20}, 1e-6)
}

func TestRoPE(t *testing.T) {
	x := []float32{1, 2, 3, 4} // [1, 1, 4]: one head of d=4
	near(t, "pos 0", RoPE(x, 1, 1, 1, 4, 0, 10000), x, 0)
	// At pos 1 the first pair turns by 1 radian, the second by 10000^(−1/2).
	s0, c0 := math.Sincos(1)
	s1, c1 := math.Sincos(0.01)
	want := []float32{float32(c0 - 2*s0), float32(s0 + 2*c0), float32(3*c1 - 4*s1), float32(3*s1 + 4*c1)}
	near(t, "pos 1", RoPE(x, 1, 1, 1, 4, 1, 10000), want, 1e-6)
}

func TestTimestepEmbedding(t *testing.T) {
	near(t, "t=0", TimestepEmbedding([]float32{0}, 4), []float32{1, 1, 0, 0}, 0)
	// dim 4: h = 2, f = [1, 0.01].
	near(t, "t=2", TimestepEmbedding([]float32{2}, 4),
		[]float32{float32(math.Cos(2)), float32(math.Cos(0.02)), float32(math.Sin(2)), float32(math.Sin(0.02))}, 1e-7)
}

func TestGatherAndLayout(t *testing.T) {
	table := []float32{0, 1, 10, 11, 20, 21} // [3, 2]
	got, err := Embedding(table, 3, 2, []int32{2, 0})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "embedding", got, []float32{20, 21, 0, 1}, 0)
	if _, err := Embedding(table, 3, 2, []int32{3}); err == nil {
		t.Error("id 3 of a 3-row table gave no error")
	}
	near(t, "upsample", Upsample2x([]float32{1, 2}, 1, 1, 1, 2), []float32{1, 1, 2, 2, 1, 1, 2, 2}, 0)
	near(t, "concat", ConcatChannels([]float32{1, 2}, []float32{3, 4, 5, 6}, 2, 1, 2, 1), []float32{1, 3, 4, 2, 5, 6}, 0)
	near(t, "broadcast", Mul([]float32{1, 2, 3, 4}, []float32{10, 100}), []float32{10, 200, 30, 400}, 0)
}

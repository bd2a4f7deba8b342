package kernels_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/weights/quant"
)

// TestCPUOps runs the shared op table on the CPU backend, single-threaded
// and with an odd thread count so the work splits unevenly. The 3-thread
// backend splits even the smallest job, so every op's partitioning is tested.
func TestCPUOps(t *testing.T) {
	for _, threads := range []int{1, 3} {
		b := kernels.NewCPUGrain(threads, 1)
		for _, c := range selftest.Cases() {
			t.Run(fmt.Sprintf("t%d/%s/%s", threads, c.Op, c.Shape), func(t *testing.T) {
				r := selftest.Run(b, c)
				if r.Err != nil || !r.Pass {
					t.Error(r)
				}
			})
		}
	}
}

// TestCaseBudget keeps the op table small enough for a software GPU.
func TestCaseBudget(t *testing.T) {
	var flops float64
	seen := map[string]bool{}
	for _, c := range selftest.Cases() {
		flops += c.FLOPs
		key := c.Op + " " + c.Shape
		if seen[key] {
			t.Errorf("duplicate case %s", key)
		}
		seen[key] = true
	}
	if flops > 5e6 {
		t.Errorf("op table is %.1f MFLOP, want at most 5", flops/1e6)
	}
}

// TestSelftestCatchesWrongBackend checks that the table fails a backend
// that is subtly wrong, so a pass means something.
func TestSelftestCatchesWrongBackend(t *testing.T) {
	b := wrongSoftmax{kernels.NewCPU(1)}
	failed := 0
	for _, r := range selftest.RunAll(b) {
		if r.Op == "Softmax" && !r.Pass {
			failed++
		}
		if r.Op != "Softmax" && !r.Pass {
			t.Errorf("unexpected failure: %v", r)
		}
	}
	if failed < 2 {
		t.Errorf("a softmax off by 2⁻¹⁰ failed %d cases, want at least 2", failed)
	}
}

// wrongSoftmax sharpens the logits by 2⁻¹⁰ before the softmax: an error
// of the size a wrong scale or a lost term gives.
type wrongSoftmax struct{ kernels.Backend }

func (w wrongSoftmax) Softmax(x kernels.Tensor) kernels.Tensor {
	return w.Backend.Softmax(w.ScaleBias(x, 1+1.0/1024, 0))
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one mentioning %q", want)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Fatalf("panic %q does not mention %q", msg, want)
		}
	}()
	f()
}

func upload(t *testing.T, b kernels.Backend, shape ...int) kernels.Tensor {
	t.Helper()
	n := 1
	for _, d := range shape {
		n *= d
	}
	x, err := b.Upload("x", shape, make([]float32, n))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestCPUShapeMisusePanics(t *testing.T) {
	b := kernels.NewCPU(2)
	a, w := upload(t, b, 2, 3, 4), upload(t, b, 5, 6)
	mustPanic(t, "MatMul: a [2 3 4] and b [5 6]", func() { b.MatMul(a, w, true) })
	mustPanic(t, "Add: b [5 6] must be a's shape [2 3 4]", func() { b.Add(a, w) })
	mustPanic(t, "Conv2d", func() { b.Conv2d(a, w, nil, 1, 0) })
	mustPanic(t, "GroupNorm: x [2 3 4]", func() { b.GroupNorm(a, nil, nil, 2, 1e-5) })
	q, kv := upload(t, b, 1, 4, 8), upload(t, b, 1, 3, 8)
	mustPanic(t, "causal attention needs Lq <= Lkv", func() { b.Attention(q, kv, kv, 2, 2, true) })
	mustPanic(t, "nHeads must be a multiple of nKVHeads", func() { b.Attention(q, kv, kv, 2, 3, false) })
	mustPanic(t, "TimestepEmbedding: dim 5", func() { b.TimestepEmbedding([]float32{1}, 5) })

	raw, err := quant.Quantize(quant.Q8_0, make([]float32, 64))
	if err != nil {
		t.Fatal(err)
	}
	qw, err := b.UploadRaw("w", []int{2, 32}, quant.Q8_0, raw)
	if err != nil {
		t.Fatal(err)
	}
	x := upload(t, b, 3, 2)
	mustPanic(t, "Q8_0 b needs transB", func() { b.MatMul(x, qw, false) })
}

func TestCPUUploadErrors(t *testing.T) {
	b := kernels.NewCPU(1)
	if _, err := b.Upload("x", []int{2, 3}, make([]float32, 5)); err == nil {
		t.Error("Upload accepted 5 values for [2 3]")
	}
	if _, err := b.UploadRaw("w", []int{2, 31}, quant.Q8_0, make([]byte, 2*34)); err == nil {
		t.Error("UploadRaw accepted a Q8_0 row of 31 values")
	}
	if _, err := b.UploadRaw("w", []int{2, 32}, quant.Q4_0, make([]byte, 35)); err == nil {
		t.Error("UploadRaw accepted 35 bytes for two Q4_0 blocks")
	}
}

func TestCPUBadEmbeddingIDIsSticky(t *testing.T) {
	b := kernels.NewCPU(1)
	table := upload(t, b, 4, 3)
	out := b.Embedding(table, []int32{1, 4})
	if got := out.Shape(); fmt.Sprint(got) != "[2 3]" {
		t.Errorf("placeholder shape %v, want [2 3]", got)
	}
	if b.Err() == nil || !strings.Contains(b.Err().Error(), "id 4") {
		t.Fatalf("Err() = %v, want an error naming id 4", b.Err())
	}
	// The error stays: later, valid work reports it too.
	ok := b.Embedding(table, []int32{0})
	if _, err := b.Download(ok); err == nil {
		t.Error("Download after a bad id succeeded; the error must be sticky")
	}
}

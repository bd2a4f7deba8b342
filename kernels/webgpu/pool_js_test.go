//go:build js

package webgpu

import (
	"slices"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/selftest"
)

// TestOutputPool checks that a freed op output's buffer serves the next
// output of its size, that results stay right when it does (the op table
// runs with the pool warm), and that freeing a buffer twice is refused.
func TestOutputPool(t *testing.T) {
	b, err := New(WithGuardBands())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	x, err := b.Upload("x", []int{3, 37}, make([]float32, 3*37))
	if err != nil {
		t.Fatal(err)
	}
	first := b.SiLU(x)
	buf := b.tensor(first, "test").buf
	b.Free(first)
	second := b.ScaleBias(x, 2, 1)
	if got := b.tensor(second, "test").buf; got != buf || b.PoolReuses() != 1 {
		t.Errorf("the freed output's buffer was not reused (%d reuses)", b.PoolReuses())
	}
	got, err := b.Download(second)
	if err != nil || got[0] != 1 || got[len(got)-1] != 1 {
		t.Errorf("ScaleBias into a reused buffer: %v (err %v)", got[:3], err)
	}
	for _, c := range selftest.Cases() {
		if r := selftest.Run(b, c); r.Err != nil || !r.Pass {
			t.Errorf("with the pool warm: %s", r)
		}
	}
	if b.PoolReuses() < 20 {
		t.Errorf("only %d outputs came from the pool over the op table", b.PoolReuses())
	}
	view := b.Reshape(second, 3*37)
	b.Free(second)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("freeing a tensor and its Reshape view did not panic")
			}
		}()
		b.Free(view)
	}()
}

// TestHostPool checks that a freed upload's buffer is not written again
// while recorded work may still read it (queue.writeBuffer would land
// first), and that it is reused once that work is submitted.
func TestHostPool(t *testing.T) {
	b, err := New(WithGuardBands())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fill := func(v float32) []float32 { return slices.Repeat([]float32{v}, 64) }
	a, err := b.Upload("a", []int{64}, fill(1))
	if err != nil {
		t.Fatal(err)
	}
	y := b.ScaleBias(a, 2, 0) // recorded, not submitted
	bufA := b.tensor(a, "test").buf
	b.Free(a)
	c, err := b.Upload("c", []int{64}, fill(7))
	if err != nil {
		t.Fatal(err)
	}
	if b.tensor(c, "test").buf == bufA {
		t.Error("a freed upload's buffer was written again before the work reading it was submitted")
	}
	got, err := b.Download(y)
	if err != nil || got[0] != 2 || got[63] != 2 {
		t.Fatalf("2 * the freed upload: %v... (err %v)", got[:2], err)
	}
	reuses := b.PoolReuses()
	d, err := b.Upload("d", []int{64}, fill(5))
	if err != nil {
		t.Fatal(err)
	}
	if b.tensor(d, "test").buf != bufA || b.PoolReuses() != reuses+1 {
		t.Error("after a submit, the freed upload's buffer was not reused")
	}
	for _, tc := range []struct {
		x    kernels.Tensor
		want float32
	}{{c, 7}, {d, 5}} {
		if got, err := b.Download(tc.x); err != nil || got[0] != tc.want || got[63] != tc.want {
			t.Errorf("upload of %v: %v... (err %v)", tc.want, got[:2], err)
		}
	}
}

// TestParamsArenaRefill runs more distinct Params than the arena keeps
// (maxUniforms), so that it is dropped and refilled mid-run, and checks
// results recorded before, across and after the refill.
func TestParamsArenaRefill(t *testing.T) {
	b := backend(t)
	x, err := b.Upload("x", []int{64}, slices.Repeat([]float32{1}, 64))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(x)
	// Ten dispatches of one Params first, so that the refill comes in the
	// middle of a batch (maxBatch), with recorded work that binds the
	// arena still unsubmitted.
	for range 10 {
		b.Free(b.SiLU(x))
	}
	check := map[int]kernels.Tensor{}
	for i := 0; i < maxUniforms+100; i++ {
		y := b.ScaleBias(x, 1, float32(i)) // a new Params each: the bias
		if i%1000 == 0 || i == maxUniforms-1 || i == maxUniforms || i == maxUniforms+99 {
			check[i] = y
		} else {
			b.Free(y)
		}
	}
	if n := len(b.params.slots); n > 1000 {
		t.Errorf("the arena holds %d Params: it was not refilled", n)
	}
	for i, y := range check {
		got, err := b.Download(y)
		if err != nil || got[0] != float32(1+i) || got[63] != float32(1+i) {
			t.Errorf("1 + %d after %d distinct Params: %v... (err %v)", i, maxUniforms+100, got[:2], err)
		}
		b.Free(y)
	}
}

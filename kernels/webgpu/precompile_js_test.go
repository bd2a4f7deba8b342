//go:build js

package webgpu

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/kernels/wgpu"
)

// TestPrecompile rehearses a small op sequence (a tiled matmul, a
// matrix-vector product, SiLU, Add) on a fresh backend, then runs it: the
// rehearsal dispatched nothing and compiled every pipeline the run needs,
// reporting each as it finished, and the run's results are the
// reference's, so the rehearsal left nothing behind that changes them.
func TestPrecompile(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer b.Close()
	rng := rand.New(rand.NewPCG(7, 2))
	const m, n, k = 9, 20, 48 // 9 rows: the tiled kernel; 1 row: matvec
	data := func(size int) []float32 {
		d := make([]float32, size)
		for i := range d {
			d[i] = rng.Float32()*2 - 1
		}
		return d
	}
	a, w, v := data(m*k), data(n*k), data(m)
	ta, err := b.Upload("a", []int{m, k}, a)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := b.Upload("w", []int{n, k}, w)
	if err != nil {
		t.Fatal(err)
	}
	tv, err := b.Upload("v", []int{1, m}, v)
	if err != nil {
		t.Fatal(err)
	}
	ops := func() ([]float32, error) {
		y := b.MatMul(ta, tw, true) // [m, n]
		yt := b.Transpose(y)        // [n, m]
		z := b.MatMul(tv, yt, true) // [1, n]
		s := b.SiLU(z)
		sum := b.Add(s, z)
		defer func() {
			for _, x := range []kernels.Tensor{y, yt, z, s, sum} {
				b.Free(x)
			}
		}()
		return b.Download(sum)
	}

	before, dispatches := b.Pipelines(), b.Dispatches()
	var heard []int
	total := 0
	err = b.Precompile(func() error { _, err := ops(); return err }, func(done, n int) {
		heard, total = append(heard, done), n
	})
	if err != nil {
		t.Fatalf("Precompile: %v", err)
	}
	if d := b.Dispatches() - dispatches; d != 0 {
		t.Errorf("the rehearsal dispatched %d times, want none", d)
	}
	compiled := b.Pipelines() - before
	if compiled < 5 || total != compiled || len(heard) != compiled || heard[len(heard)-1] != compiled {
		t.Errorf("compiled %d pipelines (want 5: matmul, transpose, matvec, silu, add); progress heard %v of %d", compiled, heard, total)
	}

	got, err := ops()
	if err != nil {
		t.Fatal(err)
	}
	if extra := b.Pipelines() - before - compiled; extra != 0 {
		t.Errorf("the run compiled %d more pipelines: the rehearsal missed them", extra)
	}
	y := ref.MatMul(a, w, 1, m, n, k, false, true)
	z := ref.MatMul(v, y, 1, 1, n, m, false, false)
	want := ref.Add(ref.SiLU(z), z)
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-4 {
			t.Fatalf("value %d: %g, reference %g", i, got[i], want[i])
		}
	}

	stop := errors.New("stop")
	if err := b.Precompile(func() error { return stop }, nil); !errors.Is(err, stop) {
		t.Errorf("a rehearsal's error: got %v, want it wrapped", err)
	}
	for _, x := range []kernels.Tensor{ta, tw, tv} {
		b.Free(x)
	}
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestComputePipelineAsyncError: an async pipeline that cannot be made (no
// such entry point) reports why from Wait, and the device stays usable.
func TestComputePipelineAsyncError(t *testing.T) {
	b := backend(t)
	mod, err := b.Device().CreateShaderModule(&wgpu.ShaderModuleDescriptor{
		Label: "ok", WGSL: "@compute @workgroup_size(1) fn main() {}",
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Device().CreateComputePipelineAsync(&wgpu.ComputePipelineDescriptor{Label: "bad", Module: mod, EntryPoint: "nope"}).Wait()
	if err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Fatalf("Wait: got %v, want the pipeline's error naming it", err)
	}
	t.Logf("async pipeline error: %v", err)
	good, err := b.Device().CreateComputePipelineAsync(&wgpu.ComputePipelineDescriptor{Label: "good", Module: mod, EntryPoint: "main"}).Wait()
	if err != nil || good == nil {
		t.Fatalf("a valid pipeline after the bad one: %v", err)
	}
	if err := b.Err(); err != nil {
		t.Errorf("the rejected pipeline leaked into the device error: %v", err)
	}
}

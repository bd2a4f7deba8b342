//go:build js

package webgpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/kernels/wgpu"
)

// withStampChunks makes results hold n batches of timestamps, so that a
// short test fills it and reads it back mid-run.
func withStampChunks(n int) Option { return func(c *config) { c.stampChunks = n } }

// profiledOps runs a small op sequence, profiled when timed, and returns
// its result and the report: a 64x64x64 matmul (large enough that its time
// is not lost to timestamp quantization), a matrix-vector product, and
// element-wise ops, extra times more SiLUs to cross batch boundaries.
func profiledOps(t *testing.T, b *Backend, timed bool, extra int) ([]float32, map[string]KernelStat) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 1))
	x, w, v := randTensor(t, b, rng, 64, 64), randTensor(t, b, rng, 64, 64), randTensor(t, b, rng, 4, 64)
	b.ProfileReset()
	b.Profile(timed)
	y := b.MatMul(x, w, true) // [64, 64]: the tiled matmul kernel
	z := b.MatMul(v, y, true) // [4, 64]: the matrix-vector kernel (4 rows)
	s := b.SiLU(z)
	for range extra {
		next := b.SiLU(s)
		b.Free(s)
		s = next
	}
	a := b.Add(s, z)
	out, err := b.Download(a)
	if err != nil {
		t.Fatal(err)
	}
	b.Profile(false)
	for _, tt := range []kernels.Tensor{x, w, v, y, z, s, a} {
		b.Free(tt)
	}
	got := map[string]KernelStat{}
	for _, st := range b.ProfileReport() {
		got[st.Kernel] = st
	}
	return out, got
}

func randTensor(t *testing.T, b *Backend, rng *rand.Rand, rows, cols int) kernels.Tensor {
	t.Helper()
	data := make([]float32, rows*cols)
	for i := range data {
		data[i] = rng.Float32()*2 - 1
	}
	x, err := b.Upload("x", []int{rows, cols}, data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestProfileCounts checks, on a device with timestamps (when the adapter
// offers them) and on one without, that timing changes neither the
// per-kernel dispatch counts nor the results, that every dispatch is timed,
// and that ProfileTiming names the method used.
func TestProfileCounts(t *testing.T) {
	noStamps, err := New(WithGuardBands(), WithoutTimestamps())
	if err != nil {
		t.Fatal(err)
	}
	defer noStamps.Close()
	// As if the device had read back nothing but zero timestamps.
	zeroStamps, err := New(WithGuardBands())
	if err != nil {
		t.Fatal(err)
	}
	defer zeroStamps.Close()
	zeroStamps.stamps = &stamps{broken: true}
	for _, c := range []struct {
		name string
		b    *Backend
	}{{"default", backend(t)}, {"without timestamps", noStamps}, {"zero timestamps", zeroStamps}} {
		t.Run(c.name, func(t *testing.T) {
			b := c.b
			wantTiming := TimingPerQueue
			if b.Device().Features().Contains(wgpu.FeatureTimestampQuery) {
				wantTiming = TimingTimestamps
			}
			plain, untimed := profiledOps(t, b, false, 0)
			if b.ProfileTiming() != TimingOff {
				t.Errorf("ProfileTiming after an untimed run = %q, want %q", b.ProfileTiming(), TimingOff)
			}
			timedOut, timed := profiledOps(t, b, true, 0)
			if b.stamps != nil && b.stamps.broken {
				t.Logf("every timestamp read 0: profiled by the queue instead")
				wantTiming = TimingPerQueue
			}
			if got := b.ProfileTiming(); got != wantTiming {
				t.Errorf("ProfileTiming after a timed run = %q, want %q", got, wantTiming)
			}
			want := map[string]int{"matmul": 1, "matvec": 1, "silu": 1, "add": 1}
			for k, n := range want {
				if untimed[k].Dispatches != n {
					t.Errorf("untimed: %s has %d dispatches, want %d", k, untimed[k].Dispatches, n)
				}
			}
			checkSameCounts(t, untimed, timed)
			for i := range plain {
				if math.Float32bits(plain[i]) != math.Float32bits(timedOut[i]) {
					t.Fatalf("result %d: %g untimed, %g timed: profiling changed the result", i, plain[i], timedOut[i])
				}
			}
			if f := untimed["matvec"].FLOPs; f != 2*4*64*64 {
				t.Errorf("matvec FLOPs %g, want %d", f, 2*4*64*64)
			}
			if untimed["silu"].Bytes < 2*4*4*64 { // in and out, 1 KiB each
				t.Errorf("silu bytes %g, want at least 2 KiB", untimed["silu"].Bytes)
			}
			for k, st := range untimed {
				if st.Timed != 0 || st.Ms != 0 {
					t.Errorf("untimed: %s %+v has a time", k, st)
				}
			}
			for k, st := range timed {
				if st.Timed != st.Dispatches {
					t.Errorf("timed: %s %+v has untimed dispatches", k, st)
				}
			}
			// The matmul does 0.5 MFLOP: milliseconds on SwiftShader, tens
			// of microseconds on a GPU, either way above zero unless the
			// implementation quantizes timestamps coarser than that.
			if mm := timed["matmul"]; mm.Ms <= 0 || mm.GFLOPs() <= 0 {
				t.Errorf("timed: matmul %+v has no time (timing %s)", mm, b.ProfileTiming())
			}
			t.Logf("timing %q: %+v", b.ProfileTiming(), timed)
		})
	}
}

// TestProfileMatchesReference checks a profiled matmul against the
// reference: timing by timestamps puts every dispatch in a pass of its own,
// which must not change what the kernels compute.
func TestProfileMatchesReference(t *testing.T) {
	b := backend(t)
	rng := rand.New(rand.NewPCG(9, 2))
	const m, n, k = 33, 20, 48
	a, w := make([]float32, m*k), make([]float32, n*k)
	for i := range a {
		a[i] = rng.Float32()*2 - 1
	}
	for i := range w {
		w[i] = rng.Float32()*2 - 1
	}
	ta, err := b.Upload("a", []int{m, k}, a)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := b.Upload("w", []int{n, k}, w)
	if err != nil {
		t.Fatal(err)
	}
	b.ProfileReset()
	b.Profile(true)
	y := b.MatMul(ta, tw, true)
	s := b.SiLU(y)
	got, err := b.Download(s)
	b.Profile(false)
	if err != nil {
		t.Fatal(err)
	}
	want := ref.SiLU(ref.MatMul(a, w, 1, m, n, k, false, true))
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-4 {
			t.Fatalf("value %d: %g, reference %g", i, got[i], want[i])
		}
	}
	if n := TotalDispatches(b.ProfileReport()); n != 2 {
		t.Errorf("%d dispatches profiled, want 2", n)
	}
	for _, tt := range []kernels.Tensor{ta, tw, y, s} {
		b.Free(tt)
	}
}

// TestProfileStampCapacity profiles more dispatches than a query set holds
// (so batches resolve as they are submitted) and more batches than results
// holds (so they are read back mid-run), and checks that every dispatch is
// counted once and timed once.
func TestProfileStampCapacity(t *testing.T) {
	b, err := New(withStampChunks(2))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.timestamps {
		t.Skip("the adapter has no 'timestamp-query'")
	}
	extra := 3*maxBatch + 5
	plain, untimed := profiledOps(t, b, false, extra)
	timedOut, timed := profiledOps(t, b, true, extra)
	if b.stamps.broken {
		t.Skip("every timestamp read 0: nothing to check")
	}
	checkSameCounts(t, untimed, timed)
	if n := untimed["silu"].Dispatches; n != extra+1 {
		t.Errorf("silu: %d dispatches, want %d", n, extra+1)
	}
	for k, st := range timed {
		if st.Timed != st.Dispatches {
			t.Errorf("%s %+v: %d of %d dispatches timed", k, st, st.Timed, st.Dispatches)
		}
	}
	for i := range plain {
		if math.Float32bits(plain[i]) != math.Float32bits(timedOut[i]) {
			t.Fatalf("result %d: %g untimed, %g timed", i, plain[i], timedOut[i])
		}
	}
	if b.ProfileTiming() != TimingTimestamps {
		t.Errorf("ProfileTiming %q", b.ProfileTiming())
	}
}

func checkSameCounts(t *testing.T, untimed, timed map[string]KernelStat) {
	t.Helper()
	if len(timed) != len(untimed) {
		t.Errorf("timed run has kernels %v, untimed %v", timed, untimed)
	}
	for k, st := range untimed {
		if timed[k].Dispatches != st.Dispatches || timed[k].FLOPs != st.FLOPs {
			t.Errorf("%s: timed %+v, untimed %+v", k, timed[k], st)
		}
	}
}

// TestGroupNormSiLUDispatches checks that the fused op is one dispatch,
// where the unfused pair is two.
func TestGroupNormSiLUDispatches(t *testing.T) {
	b := backend(t)
	x, err := b.Upload("x", []int{2, 4, 3, 3}, make([]float32, 72))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(x)
	for _, c := range []struct {
		name string
		be   kernels.Backend
		want int
	}{{"fused", b, 1}, {"unfused", struct{ kernels.Backend }{b}, 2}} {
		d0 := b.Dispatches()
		y := kernels.GroupNormSiLU(c.be, x, nil, nil, 2, 1e-5)
		if got := b.Dispatches() - d0; got != c.want {
			t.Errorf("%s: %d dispatches, want %d", c.name, got, c.want)
		}
		b.Free(y)
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
}

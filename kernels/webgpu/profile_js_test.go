//go:build js

package webgpu

import (
	"testing"

	"github.com/genplay/genplay/kernels"
)

// TestProfileCounts runs a small op sequence and checks the per-kernel
// dispatch counts, labels and estimates, with timing off and on.
func TestProfileCounts(t *testing.T) {
	b := backend(t)
	x, err := b.Upload("x", []int{4, 8}, make([]float32, 32))
	if err != nil {
		t.Fatal(err)
	}
	w, err := b.Upload("w", []int{16, 8}, make([]float32, 128))
	if err != nil {
		t.Fatal(err)
	}
	for _, timed := range []bool{false, true} {
		b.ProfileReset()
		b.Profile(timed)
		y := b.MatMul(x, w, true) // [4, 16]: the matrix-vector kernel (4 rows)
		s := b.SiLU(y)
		a := b.Add(s, s)
		z := b.SiLU(a)
		if _, err := b.Download(z); err != nil {
			t.Fatal(err)
		}
		b.Profile(false)
		b.Free(y)
		b.Free(s)
		b.Free(a)
		b.Free(z)
		got := map[string]KernelStat{}
		for _, st := range b.ProfileReport() {
			got[st.Kernel] = st
		}
		want := map[string]int{"matvec": 1, "silu": 2, "add": 1}
		if len(got) != len(want) {
			t.Errorf("timed=%v: kernels %v, want %v", timed, got, want)
		}
		for k, n := range want {
			if got[k].Dispatches != n {
				t.Errorf("timed=%v: %s has %d dispatches, want %d", timed, k, got[k].Dispatches, n)
			}
		}
		if f := got["matvec"].FLOPs; f != 2*4*16*8 {
			t.Errorf("matvec FLOPs %g, want %d", f, 2*4*16*8)
		}
		if got["silu"].Bytes < 2*2*4*64 {
			t.Errorf("silu bytes %g, want at least 2 dispatches x (in+out) x 256 bytes", got["silu"].Bytes)
		}
		for k, st := range got {
			if timed && (st.Timed != st.Dispatches || st.Ms <= 0) {
				t.Errorf("timed: %s %+v has untimed dispatches or no time", k, st)
			}
			if !timed && (st.Timed != 0 || st.Ms != 0) {
				t.Errorf("untimed: %s %+v has a time", k, st)
			}
		}
	}
	if b.ProfileTiming() != TimingOff {
		t.Errorf("ProfileTiming after Profile(false) = %q", b.ProfileTiming())
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

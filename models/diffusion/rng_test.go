package diffusion

import (
	"math"
	"testing"
)

// TestRandPinned pins the stream: changing it changes every seed's image,
// in the page and the CLI alike. The values were checked against an
// independent Python implementation of the definition on Rand.
func TestRandPinned(t *testing.T) {
	r := NewRand(42)
	got := []uint64{r.Uint64(), r.Uint64()}
	want := []uint64{0x15780b2e0c2ec716, 0x6104d9866d113a7e}
	if got[0] != want[0] || got[1] != want[1] {
		t.Errorf("NewRand(42) words %#x, want %#x", got, want)
	}
	n := NewRand(42).Normals(4)
	wantN := []float32{-0.30326307, 0.28846174, 1.3438118, -0.68797517}
	for i := range n {
		if n[i] != wantN[i] {
			t.Errorf("NewRand(42).Normals(4) = %v, want %v", n, wantN)
			break
		}
	}
}

func TestRandNormalStats(t *testing.T) {
	const n = 200000
	x := NewRand(7).Normals(n)
	var s, s2, s4 float64
	for _, v := range x {
		f := float64(v)
		s += f
		s2 += f * f
		s4 += f * f * f * f
	}
	mean, vr := s/n, s2/n
	if math.Abs(mean) > 0.01 || math.Abs(vr-1) > 0.02 || math.Abs(s4/n-3) > 0.1 {
		t.Errorf("mean %.4f, variance %.4f, 4th moment %.3f; want 0, 1, 3", mean, vr, s4/n)
	}
	if NewRand(1).Uint64() == NewRand(2).Uint64() {
		t.Errorf("seeds 1 and 2 start alike")
	}
}

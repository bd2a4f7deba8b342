package kernels

import (
	"slices"
	"testing"
)

// TestDownloadAllFallback: on a backend without BatchDownloader (the CPU),
// DownloadAll is a Download each, in order.
func TestDownloadAllFallback(t *testing.T) {
	b := NewCPU(1)
	if _, ok := Backend(b).(BatchDownloader); ok {
		t.Fatal("the CPU backend batches downloads: this test needs one that does not")
	}
	want := [][]float32{{1}, {2, 3, 4}, {5, 6}}
	var ts []Tensor
	for _, v := range want {
		x, err := b.Upload("x", []int{len(v)}, v)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, x)
	}
	got, err := DownloadAll(b, ts...)
	if err != nil || len(got) != len(want) {
		t.Fatalf("DownloadAll: %v, %v", got, err)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("tensor %d: %v, want %v", i, got[i], want[i])
		}
	}
}

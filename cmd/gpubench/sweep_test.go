package main

import "testing"

// TestSweep: -tiles and -matvec lists become one variant per shape, each
// tagging only the rows its kernel runs; no list is the backend's choice;
// a bad shape or both flags at once are refused.
func TestSweep(t *testing.T) {
	if v, err := sweep("", ""); err != nil || len(v) != 1 || v[0] != nil {
		t.Errorf("no sweep: %v, %v; want the backend's choice alone", v, err)
	}
	v, err := sweep("16x8x8x16,8x4x4x8p", "")
	if err != nil || len(v) != 2 || v[1].tag != "8x4x4x8p" {
		t.Fatalf("-tiles: %v, %v", v, err)
	}
	if !v[0].changes("matmul f32 4096x4096x4096") || !v[0].changes("conv2d 3x3/1 32->32 32x32 n2") || v[0].changes("matmul Q8_0 1x4096x4096") {
		t.Error("-tiles tags the wrong rows")
	}
	v, err = sweep("", "32x8,16x16")
	if err != nil || len(v) != 2 || v[1].tag != "16x16" {
		t.Fatalf("-matvec: %v, %v", v, err)
	}
	if !v[0].changes("matmul Q8_0 1x4096x4096") || !v[0].changes("matmul f32 1x64x64") || v[0].changes("matmul Q8_0 64x1024x256") || v[0].changes("matmul f32 1024x1024x1024") {
		t.Error("-matvec tags the wrong rows")
	}
	for _, bad := range [][2]string{{"16x8x8", ""}, {"", "24x8"}, {"", "32x8,"}, {"16x8x8x16", "32x8"}} {
		if v, err := sweep(bad[0], bad[1]); err == nil {
			t.Errorf("sweep(%q, %q) = %v, want an error", bad[0], bad[1], v)
		}
	}
}

package webgpu

import "testing"

// TestChooseTiles checks the tile policy's promises: the shapes a GPU gets
// for big, medium and the models' small products, the workgroup memory
// bound, and SwiftShader's own choice.
func TestChooseTiles(t *testing.T) {
	const kib = 1024
	for _, c := range []struct {
		name                   string
		software               bool
		wgMem, batch, m, n, tk int
		want                   Tiles
	}{
		{"4096^3", false, 48 * kib, 1, 4096, 4096, 16, Tiles{WG: 16, TM: 8, TN: 8, TK: 16}},
		{"1024^3: 64 tiles of 128 leave a big GPU half idle", false, 48 * kib, 1, 1024, 1024, 16, Tiles{WG: 16, TM: 4, TN: 4, TK: 16}},
		{"Q8_0 512x4096 in 16 KiB: 128x128 slices of 32 do not fit", false, 16 * kib, 1, 512, 4096, 32, Tiles{WG: 16, TM: 4, TN: 4, TK: 32}},
		{"Q8_0 512x4096 in 48 KiB", false, 48 * kib, 1, 512, 4096, 32, Tiles{WG: 16, TM: 8, TN: 8, TK: 32}},
		{"the UNet's 32-channel conv2d", false, 16 * kib, 2, 32, 1024, 16, Tiles{WG: 8, TM: 4, TN: 4, TK: 16}},
		{"SwiftShader, 4096^3", true, 32 * kib, 1, 4096, 4096, 16, Tiles{WG: 8, TM: 8, TN: 8, TK: 16}},
		{"SwiftShader, 32 rows", true, 32 * kib, 2, 32, 1024, 16, Tiles{WG: 8, TM: 4, TN: 8, TK: 16}},
		{"SwiftShader, 16 columns", true, 32 * kib, 1, 64, 16, 16, Tiles{WG: 8, TM: 8, TN: 4, TK: 16}},
	} {
		if got := chooseTiles(c.software, c.wgMem, c.batch, c.m, c.n, c.tk); got != c.want {
			t.Errorf("%s: chooseTiles = %v, want %v", c.name, got, c.want)
		}
	}
	// Over a range of shapes: conv2d's staging constraint, the memory bound,
	// and a smaller tile only when the bigger one's grid is short.
	for _, software := range []bool{false, true} {
		for _, m := range []int{1, 7, 32, 33, 100, 512, 3000} {
			for _, n := range []int{1, 31, 64, 1000, 4096} {
				for _, tk := range []int{16, 32} {
					got := chooseTiles(software, 16*kib, 2, m, n, tk)
					if got.WG%got.TN != 0 || got.stagedBytes() > 16*kib || got.TK != tk || got.Pipe {
						t.Errorf("software %v, %dx%d, tk %d: %v (%d bytes staged)", software, m, n, tk, got, got.stagedBytes())
					}
					if software {
						continue
					}
					for _, bigger := range gpuTiles {
						bigger.TK = tk
						if bigger.rows() <= got.rows() {
							break
						}
						grid := 2 * ceilDiv(m, bigger.rows()) * ceilDiv(n, bigger.cols())
						if grid >= fillWorkgroups && bigger.stagedBytes() <= 16*kib {
							t.Errorf("%dx%d, tk %d: chose %v over %v, whose grid of %d fills the GPU", m, n, tk, got, bigger, grid)
						}
					}
				}
			}
		}
	}
}

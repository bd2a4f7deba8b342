package webgpu

import (
	"strings"
	"testing"
)

// rowsCases are the op-table cases conv2d_rows.wgsl takes on SwiftShader:
// 3x3 (stride 1 and 2) and 1x1, 1 and several channel blocks, partial blocks, 1 to 7 input
// channels, bias or not, both fused epilogues, images side by side,
// partial workgroups.
var rowsCases = []string{
	"Conv2d x[2 3 8 16] w[8 3 3 3] s1 p1 bias=true",
	"Conv2d x[1 1 4 8] w[16 1 3 3] s1 p1 bias=false",
	"Conv2dAdd x[1 5 8 8] w[8 5 3 3] s1 p1",
	"Conv2dAddChannels x[2 4 4 24] w[16 4 3 3] s1 p1",
	"Conv2d x[2 6 8 8] w[1 6 3 3] s1 p1 bias=true",
	"Conv2d x[1 7 4 16] w[12 7 1 1] s1 p0 bias=true",
	"Conv2d x[2 3 8 16] w[8 3 3 3] s2 p1 bias=true",
	"Conv2d x[1 2 16 32] w[12 2 3 3] s2 p1 bias=false",
}

// compiled reports whether b has compiled a pipeline of shader.
func compiled(b *Backend, shader string) bool {
	for key := range b.pipelines {
		if strings.HasPrefix(key, shader+"[") {
			return true
		}
	}
	return false
}

// TestConvRows checks that a software adapter with subgroups runs
// rowsCases on conv2d_rows.wgsl, and right; and that without subgroups
// the same cases fall back to the implicit GEMM.
func TestConvRows(t *testing.T) {
	checkLaneShared(t, rowsCases, "conv2d_rows")
}

// checkLaneShared runs cases on SwiftShader with subgroups, where they
// must all take shader (one of the kernels whose lanes share weights: see
// laneShared), and again without subgroups, where they must all fall back
// to matmul_tiled.wgsl.
func checkLaneShared(t *testing.T, cases []string, shader string) {
	t.Helper()
	b, err := New(WithGuardBands())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.software || !b.subgroups || b.subgroupMin != 4 || b.subgroupMax != 4 {
		t.Skipf("for SwiftShader's 4-lane subgroups; this adapter: software %v, subgroups %v of %d-%d lanes",
			b.software, b.subgroups, b.subgroupMin, b.subgroupMax)
	}
	runNamed(t, b, cases)
	if !compiled(b, shader) || compiled(b, "matmul_tiled") {
		t.Errorf("pipelines %v: want %s and no matmul_tiled", keys(b), shader)
	}

	nb, err := New(WithGuardBands(), WithoutSubgroups())
	if err != nil {
		t.Fatal(err)
	}
	defer nb.Close()
	runNamed(t, nb, cases)
	if compiled(nb, shader) || !compiled(nb, "matmul_tiled") {
		t.Errorf("without subgroups, pipelines %v: want matmul_tiled and no %s", keys(nb), shader)
	}
}

func keys(b *Backend) []string {
	var k []string
	for key := range b.pipelines {
		k = append(k, key)
	}
	return k
}

// TestConvRowsChoice checks which shapes and adapters convRows accepts.
func TestConvRowsChoice(t *testing.T) {
	sw := Backend{software: true, subgroups: true, subgroupMin: 4, subgroupMax: 4}
	for _, c := range []struct {
		b                     Backend
		h, w, ks, stride, pad int
		want                  bool
	}{
		{sw, 32, 32, 3, 1, 1, true},
		{sw, 8, 8, 3, 1, 1, true},
		{sw, 4, 8, 1, 1, 0, true},    // 4 eighths: one subgroup
		{sw, 2, 8, 3, 1, 1, false},   // 2 eighths: a subgroup would span two blocks
		{sw, 32, 12, 3, 1, 1, false}, // 12 pixels a row
		{sw, 32, 32, 3, 2, 1, true},  // stride 2: 16x16
		{sw, 8, 16, 3, 2, 1, true},   // 4x8: one subgroup
		{sw, 16, 8, 3, 2, 1, false},  // 8x4
		{sw, 8, 17, 3, 2, 1, false},  // odd width
		{sw, 9, 16, 3, 2, 1, false},  // odd height
		{sw, 32, 32, 1, 2, 0, false}, // 1x1, stride 2
		{sw, 32, 32, 3, 3, 1, false}, // stride 3
		{sw, 32, 32, 1, 1, 1, false}, // 1x1 with padding
		{sw, 32, 32, 3, 1, 0, false}, // 3x3 without
		{sw, 32, 32, 5, 1, 2, false},
		{sw, 1, 1, 1, 1, 0, false}, // a 1x1 image
		{Backend{software: true, subgroups: true, subgroupMin: 8, subgroupMax: 8}, 8, 8, 3, 1, 1, true},
		{Backend{software: true, subgroups: true, subgroupMin: 8, subgroupMax: 8}, 4, 8, 3, 1, 1, false},
		{Backend{software: true, subgroups: true, subgroupMin: 2, subgroupMax: 4}, 8, 8, 3, 1, 1, false},
		{Backend{software: true, subgroups: true}, 8, 8, 3, 1, 1, false}, // sizes unknown
		{Backend{software: true, subgroupMin: 4, subgroupMax: 4}, 8, 8, 3, 1, 1, false},
		{Backend{subgroups: true, subgroupMin: 32, subgroupMax: 32}, 32, 32, 3, 1, 1, false},                                                                        // a GPU
		{Backend{software: true, subgroups: true, subgroupMin: 4, subgroupMax: 4, cfg: config{tiles: &Tiles{WG: 8, TM: 4, TN: 4, TK: 16}}}, 32, 32, 3, 1, 1, false}, // WithMatMulTiles
	} {
		if got := c.b.convRows(c.h, c.w, c.ks, c.stride, c.pad); got != c.want {
			t.Errorf("software %v, subgroups %v (%d-%d): %dx%d, %dx%d/%d pad %d: got %v",
				c.b.software, c.b.subgroups, c.b.subgroupMin, c.b.subgroupMax, c.h, c.w, c.ks, c.ks, c.stride, c.pad, got)
		}
	}
}

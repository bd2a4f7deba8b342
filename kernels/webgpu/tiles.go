package webgpu

import (
	"fmt"
	"strconv"
	"strings"
)

// Tiles is a shape of matmul_tiled.wgsl's work: WG x WG invocations a
// workgroup, each computing a TM x TN block of the output (TM and TN 4 or
// 8), staging TK-deep slices (f32 weights; quantized ones always stage one
// 32-value block). Pipe stages in two buffers, loading the next slice
// while computing on this one: twice the workgroup memory, half the
// barriers.
type Tiles struct {
	WG, TM, TN, TK int
	Pipe           bool
}

// String is the shape as gpubench's -tiles spells it: WGxTMxTNxTK, with a
// "p" after it for Pipe.
func (t Tiles) String() string {
	s := fmt.Sprintf("%dx%dx%dx%d", t.WG, t.TM, t.TN, t.TK)
	if t.Pipe {
		s += "p"
	}
	return s
}

// ParseTiles reads what String writes.
func ParseTiles(s string) (Tiles, error) {
	body, pipe := strings.CutSuffix(s, "p")
	v, ok := parseDims(body, 4)
	if !ok {
		return Tiles{}, fmt.Errorf("tiles %q: want WGxTMxTNxTK, with p after it to pipeline (e.g. 16x8x8x16 or 16x8x8x8p)", s)
	}
	return Tiles{WG: v[0], TM: v[1], TN: v[2], TK: v[3], Pipe: pipe}, nil
}

// parseDims reads n positive decimal numbers joined by "x", as String
// writes them (no sign, no spaces).
func parseDims(s string, n int) ([]int, bool) {
	f := strings.Split(s, "x")
	if len(f) != n {
		return nil, false
	}
	v := make([]int, n)
	for i := range f {
		d, err := strconv.Atoi(f[i])
		if err != nil || d <= 0 || f[i][0] == '+' {
			return nil, false
		}
		v[i] = d
	}
	return v, true
}

// MatVec is a shape of matvec.wgsl's work on a GPU: Lanes invocations
// walk each weight row together (a power of two), Rows rows a workgroup.
type MatVec struct{ Lanes, Rows int }

// gpuMatVec is the shape a GPU gets: 32 lanes (a warp on NVIDIA, so the
// row's sum is one subgroup's) and 8 rows, workgroups of 256. A first
// guess; issue #5's H200 run sweeps its neighbours.
var gpuMatVec = MatVec{Lanes: 32, Rows: 8}

// String is the shape as gpubench's -matvec spells it: LANESxROWS.
func (m MatVec) String() string { return fmt.Sprintf("%dx%d", m.Lanes, m.Rows) }

// ParseMatVec reads what String writes.
func ParseMatVec(s string) (MatVec, error) {
	v, ok := parseDims(s, 2)
	if !ok || v[0]&(v[0]-1) != 0 {
		return MatVec{}, fmt.Errorf("matvec shape %q: want LANESxROWS, LANES a power of two (e.g. 32x8)", s)
	}
	return MatVec{Lanes: v[0], Rows: v[1]}, nil
}

// stagedBytes is the workgroup memory the shape's staged slices take.
func (t Tiles) stagedBytes() int {
	stages := 1
	if t.Pipe {
		stages = 2
	}
	return stages * 4 * t.TK * t.WG * (t.TM + t.TN)
}

// rows and cols are the output tile's size.
func (t Tiles) rows() int { return t.WG * t.TM }
func (t Tiles) cols() int { return t.WG * t.TN }

// fillWorkgroups is how many workgroups a GPU's grid should have before a
// bigger tile is worth it: a large GPU has over a hundred compute units
// (the H200 132), each wanting a workgroup or two, and the models' small
// matmuls and convolutions have few 64x64 tiles (a 32-channel 32x32 conv2d
// has 32, half of each empty). A guess to be checked on the H200 (issue
// #5's sweep of the models' shapes).
const fillWorkgroups = 128

// gpuTiles are the GPU shapes, largest tile first: 16x16 invocations of
// 8x8 (128x128), of 4x4 (64x64), and 8x8 of 4x4 (32x32).
var gpuTiles = []Tiles{{WG: 16, TM: 8, TN: 8}, {WG: 16, TM: 4, TN: 4}, {WG: 8, TM: 4, TN: 4}}

// chooseTiles picks the tile shape for a batch of m x n outputs staged tk
// deep, with wgMem bytes of workgroup memory. On a GPU: the largest tile
// whose grid still has fillWorkgroups workgroups and whose slices fit, else
// the smallest. On a software adapter (SwiftShader) every invocation and
// barrier costs: 8x8 invocations of 8x8 (64x64), the most work per
// invocation, measured fastest there, with 4 instead of 8 along a
// dimension of 32 or less, so as not to compute half-empty tiles. Every
// shape has WG a multiple of TN, as conv2d's staging needs.
func chooseTiles(software bool, wgMem, batch, m, n, tk int) Tiles {
	if software {
		t := Tiles{WG: 8, TM: 8, TN: 8, TK: tk}
		if m <= 32 {
			t.TM = 4
		}
		if n <= 32 {
			t.TN = 4
		}
		return t
	}
	for _, t := range gpuTiles {
		t.TK = tk
		grid := batch * ceilDiv(m, t.rows()) * ceilDiv(n, t.cols())
		if grid >= fillWorkgroups && t.stagedBytes() <= wgMem {
			return t
		}
	}
	t := gpuTiles[len(gpuTiles)-1]
	t.TK = tk
	return t
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

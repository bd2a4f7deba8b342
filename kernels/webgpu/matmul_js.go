//go:build js

package webgpu

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/wgpu"
	"github.com/genplay/genplay/kernels/wgsl"
	"github.com/genplay/genplay/weights/quant"
)

func (b *Backend) MatMul(x, w kernels.Tensor, transB bool) kernels.Tensor {
	return b.matmul(x, w, transB, epilogue{})
}

// MatMulAdd is MatMul with c added as each output is stored
// (kernels.MatMulFuser).
func (b *Backend) MatMulAdd(x, w, c kernels.Tensor, transB bool) kernels.Tensor {
	return b.matmul(x, w, transB, epilogue{op: epiAdd, c: c})
}

// MatMulGated is MatMul with each output multiplied by SiLU of g's value
// as it is stored (kernels.MatMulFuser).
func (b *Backend) MatMulGated(x, w, g kernels.Tensor, transB bool) kernels.Tensor {
	return b.matmul(x, w, transB, epilogue{op: epiGate, c: g})
}

var _ kernels.MatMulFuser = (*Backend)(nil)

// MatMulAddGELU is MatMulAdd with GELU applied as each output is stored
// (kernels.BiasGELUer).
func (b *Backend) MatMulAddGELU(x, w, bias kernels.Tensor, transB bool) kernels.Tensor {
	return b.matmul(x, w, transB, epilogue{op: epiAddGELU, c: bias})
}

var _ kernels.BiasGELUer = (*Backend)(nil)

// epilogue is what matvec.wgsl and matmul_tiled.wgsl do to each output
// before storing it (epilogue.wgsli): nothing, add c, gate by SiLU(c), add
// c then GELU, or (conv2d) add c's value of the output's (image, channel).
type epilogue struct {
	op uint32
	c  kernels.Tensor
}

const (
	epiNone uint32 = iota
	epiAdd
	epiGate
	epiAddGELU
	epiAddChannels
)

// epilogueArgs returns the epilogue's Params words (epi, c_len) and its operand's
// buffer (the dummy without one), checking c against the product's shape.
func (b *Backend) epilogueArgs(e epilogue, shape []int) ([]uint32, *wgpu.Buffer, bool) {
	if e.op == epiNone {
		return []uint32{epiNone, 1}, b.dummy, true
	}
	tc := b.f32(e.c, "matmul epilogue")
	ok := len(tc.shape) <= len(shape) && slices.Equal(shape[len(shape)-len(tc.shape):], tc.shape) && tc.n > 0
	cLen := tc.n
	switch e.op {
	case epiGate:
		ok = slices.Equal(shape, tc.shape)
	case epiAddChannels: // shape is [N, C, H, W], c has N·C values
		ok = len(shape) == 4 && tc.n == shape[0]*shape[1] && tc.n > 0
		cLen = shape[2] * shape[3]
	}
	if !ok {
		panic(fmt.Sprintf("webgpu: matmul: the fused operand %v does not fit the product %v", tc.shape, shape))
	}
	return []uint32{e.op, uint32(cLen)}, tc.buf, tc.buf != nil
}

func (b *Backend) matmul(x, w kernels.Tensor, transB bool, e epilogue) kernels.Tensor {
	ta, tb := b.f32(x, "matmul"), b.tensor(w, "matmul")
	if len(ta.shape) < 2 || len(tb.shape) < 2 {
		panic(fmt.Sprintf("webgpu: matmul: a %v and b %v need at least 2 dimensions", ta.shape, tb.shape))
	}
	if tb.dt != quant.F32 && !transB {
		panic(fmt.Sprintf("webgpu: matmul: a %v weight b %v needs transB", tb.dt, tb.shape))
	}
	ra, rb := len(ta.shape), len(tb.shape)
	m, k := ta.shape[ra-2], ta.shape[ra-1]
	var n, kb int
	if transB {
		n, kb = tb.shape[rb-2], tb.shape[rb-1]
	} else {
		kb, n = tb.shape[rb-2], tb.shape[rb-1]
	}
	shared := rb == 2
	if kb != k || !shared && !slices.Equal(ta.shape[:ra-2], tb.shape[:rb-2]) {
		panic(fmt.Sprintf("webgpu: matmul: a %v and b %v (transB=%v) do not fit", ta.shape, tb.shape, transB))
	}
	if tb.quantized() && !shared {
		panic(fmt.Sprintf("webgpu: matmul: a %v weight b must be 2-D, got %v", tb.dt, tb.shape))
	}
	shape := append(slices.Clone(ta.shape[:ra-2]), m, n)
	epi, cbuf, cLive := b.epilogueArgs(e, shape)
	out := b.output("matmul", shape)
	if !live(ta, tb, out) || !cLive || out.n == 0 {
		return out
	}
	batch := ta.n / max(m*k, 1)
	if k == 0 {
		batch = numel(ta.shape[:ra-2])
	}
	strideB := 0
	if !shared {
		strideB = n * k
	}
	one := shared || batch == 1 // one weight for every row of a
	switch {
	case transB && one && batch*m <= matvecRows:
		b.matvec(tb, ta, out, batch*m, n, k, epi, cbuf, nil, rmsNorm{})
	case transB && one && b.laneShared() && k > 0 && (tb.quantized() || tb.dt == quant.F32 && k%4 == 0):
		b.matmulRows(ta, tb, out, batch*m, n, k, epi, cbuf)
	case one: // a is batch*m rows
		b.matmulTiled(ta, tb, out, transB, 1, batch*m, n, k, 0, epi, cbuf)
	default:
		b.matmulTiled(ta, tb, out, transB, batch, m, n, k, strideB, epi, cbuf)
	}
	return out
}

// matvecRows is the most rows of a (all batches together) that go to the
// matrix-vector kernel: it reads the weight once per row, the tiled kernel
// once per tile of rows (32 to 128), so past a few rows the tiled kernel
// wins.
const matvecRows = 4

// rmsNorm is an RMSNorm that matvec.wgsl applies to a as it reads it
// (NORM; GPUs only, k % 4 == 0): gamma nil for none.
type rmsNorm struct {
	gamma *tensor
	eps   float32
}

// matvec runs matvec.wgsl (matvec_rows.wgsl on software adapters):
// out[r, :] = W · a[r, :] for rows r, through the epilogue (epi: its
// Params words; c: its operand); with w2 (DUAL), out = SiLU(W · a) *
// (W2 · a) instead; with norm.gamma, a is RMSNorm(a) (then epi must be
// none).
func (b *Backend) matvec(w, a, out *tensor, rows, n, k int, epi []uint32, c *wgpu.Buffer, w2 *tensor, norm rmsNorm) {
	defs := wgsl.Defs{"AT": "f32"}
	weight := func(t *tensor) []*wgpu.Buffer {
		if t.quantized() {
			return []*wgpu.Buffer{t.buf, t.scales}
		}
		return []*wgpu.Buffer{t.buf}
	}
	bufs := append([]*wgpu.Buffer{a.buf}, weight(w)...)
	if w2 != nil {
		defs["DUAL"] = "1"
		bufs = append(bufs, weight(w2)...)
	}
	if norm.gamma != nil {
		defs["NORM"] = "1"
		c = norm.gamma.buf
	}
	if w2 == nil || norm.gamma != nil {
		bufs = append(bufs, c)
	}
	bufs = append(bufs, out.buf)
	switch {
	case w.dt == quant.Q8_0:
		defs["AT"], defs["QUANT"], defs["Q8"] = "vec4f", "1", "1"
	case w.dt == quant.Q4_0:
		defs["AT"], defs["QUANT"], defs["Q4"] = "vec4f", "1", "1"
	case k%4 == 0:
		defs["AT"], defs["AVEC"] = "vec4f", "1"
	}
	// On a GPU a workgroup takes gpuMatVec's (or WithMatVec's) rows,
	// its lanes each; on a software adapter (matvec_rows.wgsl) one of 16
	// invocations takes 64 rows, four each (16 measured best for a small
	// model's decode on SwiftShader: 4 and 8 made more, smaller
	// workgroups, 32 fewer).
	shader, perGroup := "matvec_rows", 64
	if b.software {
		defs["WG"] = "16"
	} else {
		s := gpuMatVec
		if b.cfg.matvec != nil {
			s = *b.cfg.matvec
		}
		shader, perGroup = "matvec", s.Rows
		defs["LANES"], defs["WG"] = strconv.Itoa(s.Lanes), strconv.Itoa(s.Lanes*s.Rows)
		if b.subgroups {
			defs["SUBGROUPS"] = "1"
		}
	}
	groups := (n + perGroup - 1) / perGroup
	x, y := b.grid(groups)
	flops := 2 * float64(rows) * float64(n) * float64(k)
	if w2 != nil {
		flops *= 2
	}
	b.costNext("matvec", flops)
	words := append([]uint32{uint32(rows), uint32(n), uint32(k), uint32(groups)}, epi...)
	words = append(words, f32w(norm.eps))
	b.run(b.variant(shader, defs), words, x, y, uint32(rows), bufs...)
}

// tiles is matmul_tiled's shape for a batch of m x n outputs staged tk
// deep: chooseTiles's, or WithMatMulTiles's where it applies (f32 b;
// conv2d when its WG is a multiple of TN, unpipelined).
func (b *Backend) tiles(quantized, conv bool, batch, m, n, tk int) Tiles {
	t := chooseTiles(b.software, int(b.limits.MaxComputeWorkgroupStorageSize), batch, m, n, tk)
	if f := b.cfg.tiles; f != nil && !quantized && (!conv || f.WG%f.TN == 0) {
		t = *f
		t.Pipe = t.Pipe && !conv
	}
	return t
}

// tileDefs sets the template's tile parameters for t and returns the
// grid's tiles along m and n.
func (b *Backend) tileDefs(defs wgsl.Defs, t Tiles, m, n int) (tilesM, tilesN int) {
	defs["WG"], defs["TM"], defs["TN"], defs["TK"] = strconv.Itoa(t.WG), strconv.Itoa(t.TM), strconv.Itoa(t.TN), strconv.Itoa(t.TK)
	if t.Pipe {
		defs["PIPE"] = "1"
	}
	if !b.software {
		defs["SPREAD"] = "1" // interleaved blocks (see matmul_tiled.wgsl)
	}
	return ceilDiv(m, t.rows()), ceilDiv(n, t.cols())
}

// matmulTiled runs matmul_tiled.wgsl (see chooseTiles for the tile sizes)
// with an epilogue as matvec's.
func (b *Backend) matmulTiled(ta, tb, out *tensor, transB bool, batch, m, n, k, strideB int, epi []uint32, c *wgpu.Buffer) {
	tk := 16
	defs := wgsl.Defs{"AT": "f32", "OT": "f32", "BT": "f32"}
	bufs := []*wgpu.Buffer{ta.buf, tb.buf, c, out.buf}
	switch {
	case tb.dt == quant.Q8_0 || tb.dt == quant.Q4_0:
		tk = 32
		defs["QUANT"], defs[tb.dt.String()[:2]] = "1", "1" // "Q8" or "Q4"
		bufs = []*wgpu.Buffer{ta.buf, tb.buf, tb.scales, c, out.buf}
	case transB:
		defs["B_T"] = "1"
	default:
		defs["B_N"] = "1"
	}
	if k%4 == 0 {
		defs["AVEC"], defs["AT"] = "1", "vec4f"
		if transB && !tb.quantized() {
			defs["BT"] = "vec4f"
		}
	}
	if n%4 == 0 {
		defs["OVEC"], defs["OT"] = "1", "vec4f"
		if !transB {
			defs["BT"] = "vec4f"
		}
	}
	t := b.tiles(tb.quantized(), false, batch, m, n, tk)
	tilesM, tilesN := b.tileDefs(defs, t, m, n)
	if tilesN > b.maxWG {
		b.fail(fmt.Errorf("webgpu: matmul: n=%d needs %d workgroups in x, over the device's %d", n, tilesN, b.maxWG))
		return
	}
	y, z := b.grid(batch * tilesM)
	words := make([]uint32, 18) // Params; the CONV fields stay 0
	copy(words, []uint32{uint32(m), uint32(n), uint32(k), uint32(batch), uint32(tilesM), uint32(m * k), uint32(strideB)})
	copy(words[16:], epi)
	b.costNext("matmul", 2*float64(batch)*float64(m)*float64(n)*float64(k))
	b.run(b.variant("matmul_tiled", defs), words, uint32(tilesN), y, z, bufs...)
}

// matmulRows runs matmul_rows.wgsl (software adapters with subgroups; see
// laneShared): out [m, n] = a [m, k] · wᵀ, one invocation per 4 rows of a
// by 8 of w, then the epilogue.
func (b *Backend) matmulRows(a, w, out *tensor, m, n, k int, epi []uint32, c *wgpu.Buffer) {
	defs := wgsl.Defs{}
	bufs := []*wgpu.Buffer{a.buf, w.buf, c, out.buf}
	if w.quantized() {
		defs["QUANT"], defs[w.dt.String()[:2]] = "1", "1" // "Q8" or "Q4"
		bufs = []*wgpu.Buffer{a.buf, w.buf, w.scales, c, out.buf}
	}
	// Whole subgroups per block of 8 weight rows (see the shader).
	mblocks := ceilDiv(ceilDiv(m, 4), b.subgroupMax) * b.subgroupMax
	x, y := b.grid(ceilDiv(ceilDiv(n, 8)*mblocks, rowsWG))
	words := []uint32{uint32(m), uint32(n), uint32(k), uint32(mblocks), epi[0], epi[1]}
	b.costNext("matmul", 2*float64(m)*float64(n)*float64(k))
	b.run(b.variant("matmul_rows", defs), words, x, y, 1, bufs...)
}

//go:build js

package webgpu

import (
	"fmt"

	"github.com/genplay/genplay/kernels/wgpu"
	"github.com/genplay/genplay/kernels/wgsl"
)

// rowsWG is conv2d_rows.wgsl's and matmul_rows.wgsl's workgroup size.
const rowsWG = 64

// laneShared reports whether the adapter runs the kernels whose subgroup
// lanes share their weights (conv2d_rows.wgsl, matmul_rows.wgsl): a
// software adapter with subgroups of at least 4 lanes, each within a
// workgroup. A tile shape fixed by WithMatMulTiles asks for the tiled
// kernels, so gpubench's -tiles sweeps time what they name.
func (b *Backend) laneShared() bool {
	sg := b.subgroupMax
	return b.software && b.subgroups && b.subgroupMin >= 4 && sg != 0 && rowsWG%sg == 0 && b.cfg.tiles == nil
}

// convRows reports whether conv2d_rows.wgsl takes a convolution: on a
// software adapter with subgroups of at least 4 lanes, a 3x3 kernel with
// padding 1 and stride 1 or 2 (of an even-sized image), or a 1x1 one with
// stride 1 and no padding, and an output that keeps each subgroup within
// one image's block of 8 channels (see the shader). On SwiftShader it runs
// the UNet's convolutions 2-3 times as fast as the implicit GEMM.
func (b *Backend) convRows(h, w, ks, stride, pad int) bool {
	if !b.laneShared() {
		return false
	}
	oh, ow := h, w
	switch {
	case ks == 3 && pad == 1 && stride == 2 && h%2 == 0 && w%2 == 0:
		oh, ow = h/2, w/2
	case ks == 3 && pad == 1 && stride == 1, ks == 1 && pad == 0 && stride == 1:
	default:
		return false
	}
	return ow%8 == 0 && (oh*ow/8)%b.subgroupMax == 0
}

// conv2dRows runs conv2d_rows.wgsl: one invocation per 8 output channels
// (fewer in the last block) of 8 pixels, then the bias and the epilogue.
func (b *Backend) conv2dRows(x, w, bias, out *tensor, stride int, epi []uint32, res *wgpu.Buffer) {
	n, c, h, wd := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	o, ks := w.shape[0], w.shape[2]
	oh, ow := out.shape[2], out.shape[3]
	groups := ceilDiv(n*ceilDiv(o, 8)*oh*(ow/8), rowsWG)
	gx, gy := b.grid(groups)
	bb, hb := b.optional(bias)
	words := []uint32{uint32(n), uint32(c), uint32(h), uint32(wd), uint32(o), uint32(oh), uint32(ow), hb, epi[0], epi[1]}
	defs := wgsl.Defs{}
	switch {
	case ks == 1:
		defs["K1"] = "1"
	case stride == 2:
		defs["S2"] = "1"
	}
	b.costNext("conv2d", 2*float64(n)*float64(o)*float64(oh*ow)*float64(c*ks*ks))
	b.run(b.variant("conv2d_rows", defs), words, gx, gy, 1, x.buf, w.buf, bb, res, out.buf)
}

// conv2dGemm runs conv2d as an implicit GEMM on matmul_tiled.wgsl (CONV):
// per image, out [O, OH*OW] = w [O, C*k*k] · im2col(x) [C*k*k, OH*OW], the
// im2col columns gathered from x while a slice is staged, never stored;
// then the bias and the epilogue (a fused residual).
func (b *Backend) conv2dGemm(x, w, bias, out *tensor, stride, pad int, epi []uint32, res *wgpu.Buffer) {
	n, c, h, wd := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	o, ks := w.shape[0], w.shape[2]
	oh, ow := out.shape[2], out.shape[3]
	gm, gn, gk := o, oh*ow, c*ks*ks
	const tk = 16
	defs := wgsl.Defs{"CONV": "1", "AT": "f32", "OT": "f32"}
	if gk%4 == 0 {
		defs["AVEC"], defs["AT"] = "1", "vec4f"
	}
	if gn%4 == 0 {
		defs["OVEC"], defs["OT"] = "1", "vec4f"
	}
	t := b.tiles(false, true, n, gm, gn, tk)
	tilesM, tilesN := b.tileDefs(defs, t, gm, gn)
	if tilesN > b.maxWG {
		b.fail(fmt.Errorf("webgpu: conv2d: %dx%d output needs %d workgroups in x, over the device's %d", oh, ow, tilesN, b.maxWG))
		return
	}
	bb, hb := b.optional(bias)
	y, z := b.grid(n * tilesM)
	words := []uint32{uint32(gm), uint32(gn), uint32(gk), uint32(n), uint32(tilesM), 0, uint32(c * h * wd), hb,
		uint32(c), uint32(h), uint32(wd), uint32(ks), uint32(stride), uint32(pad), uint32(oh), uint32(ow), epi[0], epi[1]}
	b.costNext("conv2d", 2*float64(n)*float64(gm)*float64(gn)*float64(gk))
	b.run(b.variant("matmul_tiled", defs), words, uint32(tilesN), y, z, w.buf, x.buf, bb, res, out.buf)
}

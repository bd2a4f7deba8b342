//go:build js

package webgpu

import (
	"fmt"
	"slices"

	"github.com/genplay/genplay/kernels"
)

// GroupNormSiLU is group_norm.wgsl with SiLU applied before the store: one
// dispatch and no intermediate tensor (kernels.GroupNormSiLUer).
func (b *Backend) GroupNormSiLU(x, gamma, beta kernels.Tensor, groups int, eps float32) kernels.Tensor {
	return b.groupNorm("group_norm_silu", x, gamma, beta, groups, eps, 1)
}

var _ kernels.GroupNormSiLUer = (*Backend)(nil)

// AddChannels is add_channels.wgsl (kernels.ChannelAdder).
func (b *Backend) AddChannels(x, p kernels.Tensor) kernels.Tensor {
	t, pc := b.f32(x, "add_channels"), b.f32(p, "add_channels")
	if len(t.shape) < 2 || t.shape[0]*t.shape[1] != pc.n {
		panic(fmt.Sprintf("webgpu: add_channels: x %v needs [N, C, ...] and p N·C values, p has %d", t.shape, pc.n))
	}
	out := b.output("add_channels", slices.Clone(t.shape))
	if live(t, pc, out) && t.n > 0 {
		b.run1D("add_channels", t.n, []uint32{uint32(t.n), uint32(t.n / pc.n)}, t.buf, pc.buf, out.buf)
	}
	return out
}

var _ kernels.ChannelAdder = (*Backend)(nil)

package kernels

// Fused ops are optional: a backend that can do two ops in one pass over
// memory (one GPU dispatch instead of two, no intermediate tensor)
// implements the interface; models call the package function, which falls
// back to the two ops on any other backend. They are outside Backend so
// that adding one breaks no implementation.

// GroupNormSiLUer fuses GroupNorm and the SiLU after it, the pair that
// opens every UNet resnet half.
type GroupNormSiLUer interface {
	// GroupNormSiLU is SiLU(GroupNorm(x, gamma, beta, groups, eps)),
	// rounded like the two ops (the norm's f32 result, then SiLU of it).
	GroupNormSiLU(x, gamma, beta Tensor, groups int, eps float32) Tensor
}

// GroupNormSiLU computes SiLU(GroupNorm(x)) on b: fused when b implements
// GroupNormSiLUer, else as the two ops with the intermediate freed.
func GroupNormSiLU(b Backend, x, gamma, beta Tensor, groups int, eps float32) Tensor {
	if f, ok := b.(GroupNormSiLUer); ok {
		return f.GroupNormSiLU(x, gamma, beta, groups, eps)
	}
	n := b.GroupNorm(x, gamma, beta, groups, eps)
	out := b.SiLU(n)
	b.Free(n)
	return out
}

// ChannelAdder adds a per-(image, channel) value to a feature map: the
// UNet's time embedding, which otherwise needs a MatMul by ones to
// broadcast it and an Add (two dispatches and an [N, C, H, W] temporary).
type ChannelAdder interface {
	// AddChannels returns x [N, C, ...] with p[n, c] added to every value
	// of image n's channel c; p has N·C values ([N, C] or [N, C, 1, 1]).
	AddChannels(x, p Tensor) Tensor
}

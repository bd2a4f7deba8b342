package diffusion

import "github.com/genplay/genplay/kernels"

// reshape returns a view of x with another shape. The view shares x's
// memory, so it is not recorded for release: x is.
func (g *graph) reshape(x kernels.Tensor, shape ...int) kernels.Tensor {
	return g.b.Reshape(x, shape...)
}

// addChannels adds p [B, C, 1, 1] to every position of x [B, C, H, W]:
// one dispatch on backends with kernels.ChannelAdder, else Add of expand.
func (g *graph) addChannels(x, p kernels.Tensor) kernels.Tensor {
	if ca, ok := g.b.(kernels.ChannelAdder); ok {
		return g.keep(ca.AddChannels(x, p))
	}
	return g.add(x, g.expand(p, x.Shape()))
}

// convAddChannels is conv(x, c) stride 1 with p [B, C_out, 1, 1] added to
// every position: the time embedding after a resnet's first convolution,
// added as the convolution stores (kernels.Conv2dChannelAdder) where the
// backend can.
func (g *graph) convAddChannels(x kernels.Tensor, c Conv, p kernels.Tensor) kernels.Tensor {
	if f, ok := g.b.(kernels.Conv2dChannelAdder); ok {
		return g.keep(f.Conv2dAddChannels(x, c.Weight, c.Bias, p, 1, c.Weight.Shape()[2]/2))
	}
	return g.addChannels(g.conv(x, c, 1), p)
}

// expand broadcasts p [B, C, 1, 1] to shape [B, C, H, W], one value per
// batch element and channel (Add only broadcasts over leading dimensions):
// a MatMul by a row of ones repeats each value H·W times.
func (g *graph) expand(p kernels.Tensor, shape []int) kernels.Tensor {
	bsz, c, hw := shape[0], shape[1], shape[2]*shape[3]
	r := g.keep(g.b.MatMul(g.reshape(p, bsz, c, 1), g.ones(hw), false)) // [B, C, H·W]
	return g.reshape(r, shape...)
}

// ones returns a cached [1, n] tensor of ones.
func (g *graph) ones(n int) kernels.Tensor {
	if t, ok := g.u.ones[n]; ok {
		return t
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = 1
	}
	t, err := g.b.Upload("ones", []int{1, n}, data)
	if err != nil {
		g.fail(err)
		return nil
	}
	g.u.ones[n] = t
	return t
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

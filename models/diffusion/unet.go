package diffusion

import (
	"errors"
	"fmt"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/weights"
)

// UNet is a loaded model on one backend. It is not safe for concurrent use
// (the backend is not).
type UNet struct {
	Config  *Config
	Weights *Weights
	b       kernels.Backend
	ones    map[int]kernels.Tensor // constant rows for addChannels, by length
}

// Load reads the config from f's metadata, checks every tensor name and
// shape against it and uploads the weights to b.
func Load(b kernels.Backend, f *weights.File) (*UNet, error) {
	if a := f.Architecture(); a != Arch {
		if a == "" {
			a = "none"
		}
		return nil, fmt.Errorf("general.architecture is %q, want %q (convert with 'genplay quantize --arch %s')", a, Arch, Arch)
	}
	c, err := ConfigFromMetadata(&f.Metadata)
	if err != nil {
		return nil, err
	}
	w, err := loadWeights(b, f, c)
	if err != nil {
		return nil, err
	}
	return &UNet{Config: c, Weights: w, b: b, ones: map[int]kernels.Tensor{}}, nil
}

// Backend returns the backend the weights live on.
func (u *UNet) Backend() kernels.Backend { return u.b }

// Close frees the weights.
func (u *UNet) Close() {
	u.Weights.free(u.b)
	for _, t := range u.ones {
		u.b.Free(t)
	}
	u.ones = map[int]kernels.Tensor{}
}

// Forward predicts the noise eps for a batch: x is [B, C, S, S] flattened,
// t and classes have B entries (class NullClass() is unconditional).
func (u *UNet) Forward(x []float32, t []int, classes []int) ([]float32, error) {
	c := u.Config
	bsz := len(t)
	if bsz == 0 || len(classes) != bsz {
		return nil, fmt.Errorf("forward: %d timesteps and %d classes", len(t), len(classes))
	}
	shape := []int{bsz, c.InChannels, c.SampleSize, c.SampleSize}
	if len(x) != numel(shape) {
		return nil, fmt.Errorf("forward: x has %d values, want %v", len(x), shape)
	}
	tf := make([]float32, bsz)
	ids := make([]int32, bsz)
	for i := range t {
		if t[i] < 0 || t[i] >= c.TrainTimesteps {
			return nil, fmt.Errorf("forward: timestep %d outside [0, %d)", t[i], c.TrainTimesteps)
		}
		if classes[i] < 0 || classes[i] > c.NumClasses {
			return nil, fmt.Errorf("forward: class %d outside [0, %d]", classes[i], c.NumClasses)
		}
		tf[i], ids[i] = float32(t[i]), int32(classes[i])
	}
	g := &graph{u: u, b: u.b}
	defer g.release()
	in, err := u.b.Upload("x_t", shape, x)
	if err != nil {
		return nil, err
	}
	g.keep(in)
	out, err := g.run(in, tf, ids)
	if err != nil {
		return nil, err
	}
	res, err := u.b.Download(out)
	if err != nil {
		return nil, err
	}
	return res, u.b.Err()
}

// graph records the tensors one forward makes so they are all freed at the
// end, and keeps the first host-side error.
type graph struct {
	u    *UNet
	b    kernels.Backend
	made []kernels.Tensor
	err  error
}

func (g *graph) keep(t kernels.Tensor) kernels.Tensor {
	g.made = append(g.made, t)
	return t
}

func (g *graph) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

// run is forward, stopped by the first host-side failure (an upload). The ops after such a failure may get
// a nil tensor or a wrong shape and panic; that panic is the failure's
// consequence, so the failure is returned instead. Any other panic is a bug
// and is not hidden.
func (g *graph) run(x kernels.Tensor, t []float32, y []int32) (out kernels.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			if g.err == nil {
				panic(r)
			}
			out, err = nil, g.err
		}
	}()
	out = g.forward(x, t, y)
	return out, g.err
}

func (g *graph) release() {
	for _, t := range g.made {
		g.b.Free(t)
	}
	g.made = nil
}

// linear is x·Wᵀ + bias, the bias added as the product is stored on
// backends that fuse it.
func (g *graph) linear(x kernels.Tensor, l Linear) kernels.Tensor {
	return g.keep(kernels.MatMulAdd(g.b, x, l.Weight, l.Bias, true))
}

func (g *graph) conv(x kernels.Tensor, c Conv, stride int) kernels.Tensor {
	pad := c.Weight.Shape()[2] / 2
	return g.keep(g.b.Conv2d(x, c.Weight, c.Bias, stride, pad))
}

func (g *graph) norm(x kernels.Tensor, n Norm) kernels.Tensor {
	return g.keep(g.b.GroupNorm(x, n.Weight, n.Bias, g.u.Config.NormGroups, g.u.Config.NormEps))
}

// normSiLU is silu(norm(x)), one dispatch on backends that fuse them.
func (g *graph) normSiLU(x kernels.Tensor, n Norm) kernels.Tensor {
	return g.keep(kernels.GroupNormSiLU(g.b, x, n.Weight, n.Bias, g.u.Config.NormGroups, g.u.Config.NormEps))
}

func (g *graph) upload(name string, data []float32, shape ...int) kernels.Tensor {
	t, err := g.b.Upload(name, shape, data)
	if err != nil {
		g.fail(err)
		return nil
	}
	return g.keep(t)
}

func (g *graph) silu(x kernels.Tensor) kernels.Tensor { return g.keep(g.b.SiLU(x)) }

func (g *graph) add(a, b kernels.Tensor) kernels.Tensor { return g.keep(g.b.Add(a, b)) }

// forward is model.py's UNet.forward on device tensors.
func (g *graph) forward(x kernels.Tensor, t []float32, y []int32) kernels.Tensor {
	w, c := g.u.Weights, g.u.Config
	bsz, td := len(t), c.TembDim
	// The sinusoidal embedding and the class rows are computed on the host
	// (a few hundred values) and uploaded as [B, C, 1, 1]; see Conv.
	tp := g.upload("time_proj", ref.TimestepEmbedding(t, c.BlockOutChannels[0]), bsz, c.BlockOutChannels[0], 1, 1)
	rows := make([]float32, 0, bsz*td)
	for _, id := range y {
		rows = append(rows, w.ClassEmbedding[int(id)*td:(int(id)+1)*td]...)
	}
	temb := g.conv(g.silu(g.conv(tp, w.TimeLinear1, 1)), w.TimeLinear2, 1)
	temb = g.add(temb, g.upload("class_embedding", rows, bsz, td, 1, 1))
	// Every resnet applies SiLU to the shared embedding first; do it once.
	stemb := g.silu(temb)

	h := g.conv(x, w.ConvIn, 1)
	skips := []kernels.Tensor{h}
	for _, lv := range w.Down {
		for i := range lv.Resnets {
			h = g.resnet(h, stemb, &lv.Resnets[i])
			skips = append(skips, h)
		}
		if lv.Resample != nil {
			h = g.conv(h, *lv.Resample, 2)
			skips = append(skips, h)
		}
	}
	h = g.resnet(h, stemb, &w.MidResnets[0])
	h = g.attention(h, &w.MidAttention)
	h = g.resnet(h, stemb, &w.MidResnets[1])
	for _, lv := range w.Up {
		for i := range lv.Resnets {
			skip := skips[len(skips)-1]
			skips = skips[:len(skips)-1]
			h = g.resnet(g.keep(g.b.ConcatChannels(h, skip)), stemb, &lv.Resnets[i])
		}
		if lv.Resample != nil {
			h = g.conv(g.keep(g.b.Upsample2x(h)), *lv.Resample, 1)
		}
	}
	if len(skips) != 0 {
		g.fail(errors.New("diffusion: unbalanced skip connections (a bug in the weight layout)"))
	}
	return g.conv(g.normSiLU(h, w.NormOut), w.ConvOut, 1)
}

// resnet is ResnetBlock.forward; stemb is silu(temb).
func (g *graph) resnet(x, stemb kernels.Tensor, r *Resnet) kernels.Tensor {
	h := g.convAddChannels(g.normSiLU(x, r.Norm1), r.Conv1, g.conv(stemb, r.TimeEmbProj, 1))
	if r.Shortcut != nil {
		x = g.conv(x, *r.Shortcut, 1)
	}
	// x + conv2(h), the add fused into the convolution where the backend can.
	h = g.normSiLU(h, r.Norm2)
	return g.keep(kernels.Conv2dAdd(g.b, h, r.Conv2.Weight, r.Conv2.Bias, x, 1, r.Conv2.Weight.Shape()[2]/2))
}

// attention is model.py's Attention: self-attention over the H·W positions
// of the group-normed input, plus the input.
func (g *graph) attention(x kernels.Tensor, a *Attention) kernels.Tensor {
	s := x.Shape()
	bsz, ch, hw := s[0], s[1], s[2]*s[3]
	seq := g.keep(g.b.Transpose(g.reshape(g.norm(x, a.GroupNorm), bsz, ch, hw))) // [B, HW, C]
	q, k, v := g.linear(seq, a.Q), g.linear(seq, a.K), g.linear(seq, a.V)
	o := g.linear(g.keep(g.b.Attention(q, k, v, a.Heads, a.Heads, false)), a.Out)
	back := g.reshape(g.keep(g.b.Transpose(o)), s...) // [B, C, H, W]
	return g.add(x, back)
}

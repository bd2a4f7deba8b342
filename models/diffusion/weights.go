package diffusion

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

// The weight structs mirror train/model.py's modules; each field is loaded
// from the state_dict name built from its path (the PyTorch names are the
// contract), with the shape the config implies.

// Linear is an nn.Linear: Weight [out, in] in its storage type (MatMul
// dequantizes Q8_0/Q4_0/F16 on the fly), Bias [out].
type Linear struct{ Weight, Bias kernels.Tensor }

// Conv is an nn.Conv2d: Weight [out, in, k, k] and Bias [out], always f32
// on the device (the Conv2d op takes f32 weights; others are dequantized).
//
// The time-embedding layers, nn.Linear in PyTorch, are loaded as 1×1 Convs
// ([out, in] viewed as [out, in, 1, 1]) working on [B, C, 1, 1] tensors:
// their outputs must end up added to every pixel of a [B, C, H, W] map, one
// value per batch element and channel, and in that layout the broadcast is
// possible with existing ops (see expand in layout.go).
type Conv struct{ Weight, Bias kernels.Tensor }

// Norm is an nn.GroupNorm's affine Weight and Bias, [channels].
type Norm struct{ Weight, Bias kernels.Tensor }

// Resnet is a ResnetBlock. Shortcut is nil when in and out channels match.
type Resnet struct {
	Norm1       Norm  // norm1
	Conv1       Conv  // conv1
	TimeEmbProj Conv  // time_emb_proj, 1×1
	Norm2       Norm  // norm2
	Conv2       Conv  // conv2
	Shortcut    *Conv // conv_shortcut
}

// Attention is the mid block's single self-attention layer.
type Attention struct {
	GroupNorm  Norm   // group_norm
	Q, K, V    Linear // to_q, to_k, to_v
	Out        Linear // to_out.0
	Heads      int
	InChannels int
}

// Level is one down or up block.
type Level struct {
	Resnets  []Resnet // resnets.N
	Resample *Conv    // downsamplers.0.conv (stride 2) or upsamplers.0.conv (after 2x nearest); nil on the last
}

// Weights holds every tensor of the UNet on one backend.
type Weights struct {
	TimeLinear1, TimeLinear2 Conv // time_embedding.linear_1, linear_2, as 1×1 convs
	// ClassEmbedding is class_embedding.weight [num_classes+1, temb], kept
	// on the host: a forward uploads the rows it needs as [B, temb, 1, 1].
	ClassEmbedding []float32
	ConvIn         Conv      // conv_in
	Down           []Level   // down_blocks.N
	MidResnets     [2]Resnet // mid_block.resnets.0, 1
	MidAttention   Attention // mid_block.attentions.0
	Up             []Level   // up_blocks.N
	NormOut        Norm      // conv_norm_out
	ConvOut        Conv      // conv_out
}

// loadWeights uploads every tensor the config calls for. It checks every
// name and shape first and reports all mismatches at once, so a wrong file
// is explained rather than failing on its first tensor.
func loadWeights(b kernels.Backend, f *weights.File, c *Config) (*Weights, error) {
	l := &loader{b: b, f: f, used: map[string]bool{}}
	w := &Weights{}
	ch := c.BlockOutChannels
	c0, td := ch[0], c.TembDim
	w.TimeLinear1 = l.linear1x1("time_embedding.linear_1", td, c0)
	w.TimeLinear2 = l.linear1x1("time_embedding.linear_2", td, td)
	w.ClassEmbedding = l.host("class_embedding.weight", c.NumClasses+1, td)
	w.ConvIn = l.conv("conv_in", c0, c.InChannels, 3)

	skips := []int{c0}
	cin := c0
	for i, cout := range ch {
		p := fmt.Sprintf("down_blocks.%d", i)
		var lv Level
		for j := 0; j < c.LayersPerBlock; j++ {
			lv.Resnets = append(lv.Resnets, l.resnet(fmt.Sprintf("%s.resnets.%d", p, j), cin, cout, c))
			cin = cout
			skips = append(skips, cout)
		}
		if i < len(ch)-1 {
			conv := l.conv(p+".downsamplers.0.conv", cout, cout, 3)
			lv.Resample = &conv
			skips = append(skips, cout)
		}
		w.Down = append(w.Down, lv)
	}
	mid := ch[len(ch)-1]
	w.MidResnets[0] = l.resnet("mid_block.resnets.0", mid, mid, c)
	w.MidAttention = Attention{
		GroupNorm:  l.norm("mid_block.attentions.0.group_norm", mid),
		Q:          l.linear("mid_block.attentions.0.to_q", mid, mid),
		K:          l.linear("mid_block.attentions.0.to_k", mid, mid),
		V:          l.linear("mid_block.attentions.0.to_v", mid, mid),
		Out:        l.linear("mid_block.attentions.0.to_out.0", mid, mid),
		Heads:      c.Heads(),
		InChannels: mid,
	}
	w.MidResnets[1] = l.resnet("mid_block.resnets.1", mid, mid, c)

	cin = mid
	for i := range ch {
		cout := ch[len(ch)-1-i]
		p := fmt.Sprintf("up_blocks.%d", i)
		var lv Level
		for j := 0; j <= c.LayersPerBlock; j++ {
			skip := skips[len(skips)-1]
			skips = skips[:len(skips)-1]
			lv.Resnets = append(lv.Resnets, l.resnet(fmt.Sprintf("%s.resnets.%d", p, j), cin+skip, cout, c))
			cin = cout
		}
		if i < len(ch)-1 {
			conv := l.conv(p+".upsamplers.0.conv", cout, cout, 3)
			lv.Resample = &conv
		}
		w.Up = append(w.Up, lv)
	}
	w.NormOut = l.norm("conv_norm_out", c0)
	w.ConvOut = l.conv("conv_out", c.OutChannels, c0, 3)

	for _, t := range f.Tensors {
		if !l.used[t.Name] {
			l.problem("%s: unexpected tensor (shape %v); the file has tensors this config does not use", t.Name, t.Shape)
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	return w, nil
}

// loader uploads tensors by name, collecting problems instead of stopping.
type loader struct {
	b        kernels.Backend
	f        *weights.File
	used     map[string]bool
	problems []string
	uploaded []kernels.Tensor
	devErr   error
}

func (l *loader) problem(format string, a ...any) {
	l.problems = append(l.problems, fmt.Sprintf(format, a...))
}

// err frees what was uploaded when anything went wrong.
func (l *loader) err() error {
	if len(l.problems) == 0 && l.devErr == nil {
		return nil
	}
	for _, t := range l.uploaded {
		l.b.Free(t)
	}
	if l.devErr != nil {
		return fmt.Errorf("uploading weights to %s: %w", l.b.Name(), l.devErr)
	}
	sort.Strings(l.problems)
	const shown = 12
	list := l.problems
	more := ""
	if len(list) > shown {
		more = fmt.Sprintf("\n  ... and %d more", len(list)-shown)
		list = list[:shown]
	}
	return fmt.Errorf("the weights do not fit the %s config in the file's metadata (%d problems):\n  %s%s\n"+
		"re-export with train/export.py and convert with 'genplay quantize --arch %s'",
		Arch, len(l.problems), strings.Join(list, "\n  "), more, Arch)
}

// find returns the named tensor when it exists with the wanted shape.
func (l *loader) find(name string, shape ...int) *weights.TensorInfo {
	l.used[name] = true
	t, err := l.f.Tensor(name)
	if err != nil {
		l.problem("%s: missing (want shape %v)", name, shape)
		return nil
	}
	got := make([]int, len(t.Shape))
	for i, d := range t.Shape {
		got[i] = int(d)
	}
	if !slices.Equal(got, shape) {
		l.problem("%s: shape %v, want %v", name, got, shape)
		return nil
	}
	return t
}

func (l *loader) keep(t kernels.Tensor, err error) kernels.Tensor {
	if err != nil {
		if l.devErr == nil {
			l.devErr = err
		}
		return nil
	}
	l.uploaded = append(l.uploaded, t)
	return t
}

// raw uploads a tensor in its storage type (for MatMul's b).
func (l *loader) raw(name string, shape ...int) kernels.Tensor {
	t := l.find(name, shape...)
	if t == nil || l.devErr != nil {
		return nil
	}
	return l.keep(l.b.UploadRaw(name, shape, t.DType, t.Data))
}

// f32 uploads a tensor as f32, dequantizing it on the host if needed.
func (l *loader) f32(name string, shape ...int) kernels.Tensor {
	return l.f32As(name, shape, shape)
}

// f32As is f32 with the device tensor given another shape of the same size.
func (l *loader) f32As(name string, shape, devShape []int) kernels.Tensor {
	t := l.find(name, shape...)
	if t == nil || l.devErr != nil {
		return nil
	}
	if t.DType == quant.F32 {
		return l.keep(l.b.UploadRaw(name, devShape, t.DType, t.Data))
	}
	data, err := t.Float32()
	if err != nil {
		l.problem("%s: %v", name, err)
		return nil
	}
	return l.keep(l.b.Upload(name, devShape, data))
}

// host returns a tensor's values as f32 on the host.
func (l *loader) host(name string, shape ...int) []float32 {
	t := l.find(name, shape...)
	if t == nil {
		return nil
	}
	data, err := t.Float32()
	if err != nil {
		l.problem("%s: %v", name, err)
	}
	return data
}

// linear1x1 loads an nn.Linear as a 1×1 Conv (see Conv).
func (l *loader) linear1x1(p string, out, in int) Conv {
	return Conv{Weight: l.f32As(p+".weight", []int{out, in}, []int{out, in, 1, 1}), Bias: l.f32(p+".bias", out)}
}

func (l *loader) linear(p string, out, in int) Linear {
	return Linear{Weight: l.raw(p+".weight", out, in), Bias: l.f32(p+".bias", out)}
}

func (l *loader) conv(p string, out, in, k int) Conv {
	return Conv{Weight: l.f32(p+".weight", out, in, k, k), Bias: l.f32(p+".bias", out)}
}

func (l *loader) norm(p string, ch int) Norm {
	return Norm{Weight: l.f32(p+".weight", ch), Bias: l.f32(p+".bias", ch)}
}

func (l *loader) resnet(p string, cin, cout int, c *Config) Resnet {
	r := Resnet{
		Norm1:       l.norm(p+".norm1", cin),
		Conv1:       l.conv(p+".conv1", cout, cin, 3),
		TimeEmbProj: l.linear1x1(p+".time_emb_proj", cout, c.TembDim),
		Norm2:       l.norm(p+".norm2", cout),
		Conv2:       l.conv(p+".conv2", cout, cout, 3),
	}
	if cin != cout {
		sc := l.conv(p+".conv_shortcut", cout, cin, 1)
		r.Shortcut = &sc
	}
	return r
}

// free releases every tensor of w.
func (w *Weights) free(b kernels.Backend) {
	var all []kernels.Tensor
	lin := func(x Linear) { all = append(all, x.Weight, x.Bias) }
	conv := func(x *Conv) {
		if x != nil {
			all = append(all, x.Weight, x.Bias)
		}
	}
	norm := func(x Norm) { all = append(all, x.Weight, x.Bias) }
	res := func(r *Resnet) {
		norm(r.Norm1)
		conv(&r.Conv1)
		conv(&r.TimeEmbProj)
		norm(r.Norm2)
		conv(&r.Conv2)
		conv(r.Shortcut)
	}
	conv(&w.TimeLinear1)
	conv(&w.TimeLinear2)
	conv(&w.ConvIn)
	for _, lv := range append(slices.Clone(w.Down), w.Up...) {
		for i := range lv.Resnets {
			res(&lv.Resnets[i])
		}
		conv(lv.Resample)
	}
	res(&w.MidResnets[0])
	res(&w.MidResnets[1])
	a := &w.MidAttention
	norm(a.GroupNorm)
	lin(a.Q)
	lin(a.K)
	lin(a.V)
	lin(a.Out)
	norm(w.NormOut)
	conv(&w.ConvOut)
	for _, t := range all {
		if t != nil {
			b.Free(t)
		}
	}
}

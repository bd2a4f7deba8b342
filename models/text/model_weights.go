package text

import (
	"fmt"
	"slices"
	"strings"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

// layerWeights holds one transformer block. Shapes are PyTorch order
// (out, in); C = Dim, F = FFNDim, KV = KVHeads·HeadDim. A field that the
// architecture does not use is nil.
type layerWeights struct {
	AttnNorm, AttnNormB kernels.Tensor // (C) blk.N.attn_norm.weight, .bias (gpt2)
	QKV, QKVB           kernels.Tensor // (C+2KV, C): blk.N.attn_q, _k, _v stacked (llama) or gpt2's attn_qkv; (3C) its bias (gpt2)
	O, OB               kernels.Tensor // (C, C) blk.N.attn_output.weight, (C) .bias (gpt2)
	FFNNorm, FFNNormB   kernels.Tensor // (C) blk.N.ffn_norm.weight, .bias (gpt2)
	Gate                kernels.Tensor // (F, C) blk.N.ffn_gate.weight (llama)
	Up, UpB             kernels.Tensor // (F, C) blk.N.ffn_up.weight, (F) .bias (gpt2)
	Down, DownB         kernels.Tensor // (C, F) blk.N.ffn_down.weight, (C) .bias (gpt2)
}

// modelWeights holds a decoder's tensors on the backend.
type modelWeights struct {
	TokEmbd           kernels.Tensor // (vocab, C) token_embd.weight, in its file dtype
	PosEmbd           kernels.Tensor // (1, ctx, C) gpt2's position_embd.weight
	layers            []layerWeights
	OutNorm, OutNormB kernels.Tensor // (C) output_norm.weight, .bias (gpt2)
	Output            kernels.Tensor // (vocab, C) output.weight, or TokEmbd itself when tied
	owned             []kernels.Tensor
}

// matrixTypes are the dtypes a weight matrix may have.
var matrixTypes = []quant.DType{quant.F32, quant.F16, quant.Q8_0, quant.Q4_0}

// loader uploads tensors after checking their name, shape and dtype, and
// remembers them so a failed load frees what it made.
type loader struct {
	b kernels.Backend
	f *weights.File
	w *modelWeights
}

func (l *loader) info(name string, shape ...int) (*weights.TensorInfo, error) {
	t, err := l.f.Tensor(name)
	if err != nil {
		return nil, err
	}
	want := make([]int64, len(shape))
	for i, d := range shape {
		want[i] = int64(d)
	}
	if !slices.Equal(t.Shape, want) {
		return nil, fmt.Errorf("tensor %s has shape %v, want %v", name, t.Shape, want)
	}
	if !slices.Contains(matrixTypes, t.DType) {
		return nil, fmt.Errorf("tensor %s has dtype %v (supported: %v)", name, t.DType, matrixTypes)
	}
	return t, nil
}

func (l *loader) keep(t kernels.Tensor, err error) (kernels.Tensor, error) {
	if err == nil {
		l.w.owned = append(l.w.owned, t)
	}
	return t, err
}

// matrix uploads a weight matrix in its stored dtype (quantized ones stay
// quantized on the backend).
func (l *loader) matrix(dst *kernels.Tensor, name string, rows, cols int) error {
	t, err := l.info(name, rows, cols)
	if err != nil {
		return err
	}
	*dst, err = l.keep(l.b.UploadRaw(name, []int{rows, cols}, t.DType, t.Data))
	return err
}

// stacked uploads matrices of cols columns one above the other, as one
// [Σ rows, cols] weight: Llama's attn_q, attn_k and attn_v become one
// matmul (then kernels.SplitQKV). GGML rows are independent blocks, so
// same-dtype matrices stack as bytes; mixed dtypes stack as f32.
func (l *loader) stacked(dst *kernels.Tensor, names []string, rows []int, cols int) error {
	infos := make([]*weights.TensorInfo, len(names))
	same, total := true, 0
	for i, name := range names {
		t, err := l.info(name, rows[i], cols)
		if err != nil {
			return err
		}
		infos[i], total = t, total+rows[i]
		same = same && t.DType == infos[0].DType
	}
	label := strings.Join(names, "+")
	if same {
		var raw []byte
		for _, t := range infos {
			raw = append(raw, t.Data...)
		}
		var err error
		*dst, err = l.keep(l.b.UploadRaw(label, []int{total, cols}, infos[0].DType, raw))
		return err
	}
	var x []float32
	for _, t := range infos {
		v, err := t.Float32()
		if err != nil {
			return err
		}
		x = append(x, v...)
	}
	var err error
	*dst, err = l.keep(l.b.Upload(label, []int{total, cols}, x))
	return err
}

// vector uploads a norm weight or bias as f32.
func (l *loader) vector(dst *kernels.Tensor, name string, n int) error {
	t, err := l.info(name, n)
	if err != nil {
		return err
	}
	x, err := t.Float32()
	if err != nil {
		return err
	}
	*dst, err = l.keep(l.b.Upload(name, []int{n}, x))
	return err
}

// loadWeights checks every tensor the architecture needs against c and
// uploads it; the error names the first missing or misshapen tensor.
func loadWeights(b kernels.Backend, f *weights.File, c Config) (_ *modelWeights, err error) {
	w := &modelWeights{layers: make([]layerWeights, c.Layers)}
	l := &loader{b: b, f: f, w: w}
	defer func() {
		if err != nil {
			w.free(b) // what was uploaded before the failing tensor
		}
	}()
	C, F, KV := c.Dim, c.FFNDim, c.KVHeads*c.HeadDim
	// Steps run in order and stop at the first error.
	var steps []func() error
	add := func(fs ...func() error) { steps = append(steps, fs...) }
	mat := func(dst *kernels.Tensor, name string, rows, cols int) func() error {
		return func() error { return l.matrix(dst, name, rows, cols) }
	}
	add(mat(&w.TokEmbd, "token_embd.weight", c.VocabSize, C))
	vec := func(dst *kernels.Tensor, name string, n int) func() error {
		return func() error { return l.vector(dst, name, n) }
	}
	for i := range w.layers {
		lw, p := &w.layers[i], fmt.Sprintf("blk.%d.", i)
		switch c.Arch {
		case "gpt2":
			add(vec(&lw.AttnNorm, p+"attn_norm.weight", C), vec(&lw.AttnNormB, p+"attn_norm.bias", C),
				mat(&lw.QKV, p+"attn_qkv.weight", 3*C, C), vec(&lw.QKVB, p+"attn_qkv.bias", 3*C),
				mat(&lw.O, p+"attn_output.weight", C, C), vec(&lw.OB, p+"attn_output.bias", C),
				vec(&lw.FFNNorm, p+"ffn_norm.weight", C), vec(&lw.FFNNormB, p+"ffn_norm.bias", C),
				mat(&lw.Up, p+"ffn_up.weight", F, C), vec(&lw.UpB, p+"ffn_up.bias", F),
				mat(&lw.Down, p+"ffn_down.weight", C, F), vec(&lw.DownB, p+"ffn_down.bias", C))
		case "llama":
			add(vec(&lw.AttnNorm, p+"attn_norm.weight", C),
				func() error {
					return l.stacked(&lw.QKV, []string{p + "attn_q.weight", p + "attn_k.weight", p + "attn_v.weight"}, []int{C, KV, KV}, C)
				},
				mat(&lw.O, p+"attn_output.weight", C, C),
				vec(&lw.FFNNorm, p+"ffn_norm.weight", C),
				mat(&lw.Gate, p+"ffn_gate.weight", F, C), mat(&lw.Up, p+"ffn_up.weight", F, C),
				mat(&lw.Down, p+"ffn_down.weight", C, F))
		}
	}
	add(vec(&w.OutNorm, "output_norm.weight", C))
	if c.Arch == "gpt2" {
		add(vec(&w.OutNormB, "output_norm.bias", C))
		add(func() error {
			t, err := l.info("position_embd.weight", c.ContextLength, C)
			if err != nil {
				return err
			}
			x, err := t.Float32()
			if err != nil {
				return err
			}
			w.PosEmbd, err = l.keep(b.Upload("position_embd.weight", []int{1, c.ContextLength, C}, x))
			return err
		})
	}
	// Both architectures may tie the output projection to the embedding.
	if _, err := f.Tensor("output.weight"); err == nil {
		add(mat(&w.Output, "output.weight", c.VocabSize, C))
	} else {
		add(func() error { w.Output = w.TokEmbd; return nil })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// embed gathers the embedding rows of ids, plus positions pos0... for gpt2,
// as the first activations [1, L, C].
func (w *modelWeights) embed(s *scope, c Config, ids []int32, pos0 int) (kernels.Tensor, error) {
	for i, id := range ids {
		if id < 0 || int(id) >= c.VocabSize {
			return nil, fmt.Errorf("token id %d at position %d is outside the vocabulary [0, %d)", id, i, c.VocabSize)
		}
	}
	b := s.b
	x := s.add(b.Reshape(b.Embedding(w.TokEmbd, ids), 1, len(ids), c.Dim))
	if w.PosEmbd != nil {
		x = s.add(b.Add(x, s.add(b.Rows(w.PosEmbd, pos0, len(ids)))))
	}
	return x, nil
}

func (w *modelWeights) free(b kernels.Backend) {
	for _, t := range w.owned {
		b.Free(t)
	}
	w.owned = nil
}

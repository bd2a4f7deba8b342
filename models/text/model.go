package text

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
)

// Model is a loaded decoder: its config, tokenizer and weights on a backend.
type Model struct {
	Config    Config
	Tokenizer *Tokenizer

	b kernels.Backend
	w *modelWeights
}

// Load reads the config, tokenizer and weights of a GPT-2 or Llama GGUF file
// and uploads the weights to b. Every tensor's name, shape and dtype is
// checked first; the error names what is wrong.
func Load(b kernels.Backend, f *weights.File) (*Model, error) {
	c, err := ReadConfig(f)
	if err != nil {
		return nil, err
	}
	tok, err := NewTokenizer(&f.Metadata)
	if err != nil {
		return nil, err
	}
	if tok.VocabSize() != c.VocabSize {
		return nil, fmt.Errorf("the tokenizer has %d tokens but token_embd.weight has %d rows", tok.VocabSize(), c.VocabSize)
	}
	w, err := loadWeights(b, f, c)
	if err != nil {
		return nil, err
	}
	return &Model{Config: c, Tokenizer: tok, b: b, w: w}, nil
}

// Close frees the model's tensors.
func (m *Model) Close() { m.w.free(m.b) }

// Backend returns the backend the model runs on.
func (m *Model) Backend() kernels.Backend { return m.b }

// Forward runs ids through the model after the positions already in cache,
// appends their keys and values to it, and returns the logits of every
// position, [len(ids)][vocab] flattened. Prefill passes the whole prompt at
// once; decoding passes one token per call.
func (m *Model) Forward(ids []int32, cache *KVCache) ([]float32, error) {
	return m.forward(ids, cache, false)
}

// forwardLast is Forward returning only the last position's logits [vocab]:
// generation needs no more, and it saves a [L, vocab] matmul and read-back.
func (m *Model) forwardLast(ids []int32, cache *KVCache) ([]float32, error) {
	return m.forward(ids, cache, true)
}

func (m *Model) forward(ids []int32, cache *KVCache, lastOnly bool) ([]float32, error) {
	c := m.Config
	if len(ids) == 0 {
		return nil, fmt.Errorf("forward: no tokens")
	}
	pos0 := cache.Len()
	if pos0+len(ids) > c.ContextLength {
		return nil, fmt.Errorf("forward: %d cached + %d new tokens exceed the context length %d", pos0, len(ids), c.ContextLength)
	}
	s := &scope{b: m.b}
	defer s.free()
	x, err := m.w.embed(s, c, ids, pos0)
	if err != nil {
		return nil, err
	}
	for i := range m.w.layers {
		if c.Arch == "gpt2" {
			x = m.gpt2Block(s, i, x, cache)
		} else {
			x = m.llamaBlock(s, i, x, cache, pos0)
		}
	}
	cache.n += len(ids)
	if lastOnly {
		x = s.add(m.b.Rows(x, len(ids)-1, 1))
	}
	var logits kernels.Tensor
	if c.Arch == "gpt2" {
		x = s.add(m.b.LayerNorm(x, m.w.OutNorm, m.w.OutNormB, c.NormEps))
		logits = s.add(m.b.MatMul(x, m.w.Output, true))
	} else {
		logits = s.add(kernels.RMSNormMatMul(m.b, x, m.w.OutNorm, c.NormEps, m.w.Output))
	}
	return cache.readBack(logits)
}

// gpt2Block is one GPT-2 block: pre-LayerNorm attention with biases, then a
// GELU MLP (the up-projection's bias and GELU in its store,
// kernels.MatMulAddGELU), each added to the residual stream x [1, L, C].
func (m *Model) gpt2Block(s *scope, i int, x kernels.Tensor, cache *KVCache) kernels.Tensor {
	b, c, l := m.b, m.Config, &m.w.layers[i]
	linear := func(x, w, bias kernels.Tensor) kernels.Tensor {
		return s.add(kernels.MatMulAdd(b, x, w, bias, true))
	}
	h := s.add(b.LayerNorm(x, l.AttnNorm, l.AttnNormB, c.NormEps))
	q, k, v := kernels.SplitQKV(b, linear(h, l.QKV, l.QKVB), c.Heads, c.KVHeads, 0, 0)
	q, k, v = s.add(q), s.add(k), s.add(v)
	k, v = cache.append(s, i, k, v)
	cache.observe(s, i, c, q, k)
	a := s.add(b.Attention(q, k, v, c.Heads, c.KVHeads, true))
	x = s.add(b.Add(x, linear(a, l.O, l.OB)))
	h = s.add(b.LayerNorm(x, l.FFNNorm, l.FFNNormB, c.NormEps))
	h = s.add(kernels.MatMulAddGELU(b, h, l.Up, l.UpB, true))
	return s.add(b.Add(x, linear(h, l.Down, l.DownB)))
}

// llamaBlock is one Llama block: RMSNorm, attention with RoPE on q and k
// (grouped-query when KVHeads < Heads), RMSNorm, SwiGLU. q, k and v come
// from one matmul and one split (kernels.SplitQKV, RoPE included); the
// residual adds ride on the matmuls (kernels.MatMulFuser), gate and up are
// one pass (kernels.SwiGLU); the KV cache grows in place
// (kernels.AppendRows): 8 dispatches a decoded block on WebGPU instead of 19.
// On a GPU the two norms ride on the matrix-vector products that read them
// (kernels.NormMatMuler): 6.
func (m *Model) llamaBlock(s *scope, i int, x kernels.Tensor, cache *KVCache, pos0 int) kernels.Tensor {
	b, c, l := m.b, m.Config, &m.w.layers[i]
	qkv := s.add(kernels.RMSNormMatMul(b, x, l.AttnNorm, c.NormEps, l.QKV))
	q, k, v := kernels.SplitQKV(b, qkv, c.Heads, c.KVHeads, pos0, c.RopeBase)
	q, k, v = s.add(q), s.add(k), s.add(v)
	k, v = cache.append(s, i, k, v)
	cache.observe(s, i, c, q, k)
	a := s.add(b.Attention(q, k, v, c.Heads, c.KVHeads, true))
	x = s.add(kernels.MatMulAdd(b, a, l.O, x, true))
	u := s.add(kernels.RMSNormSwiGLU(b, x, l.FFNNorm, c.NormEps, l.Gate, l.Up))
	return s.add(kernels.MatMulAdd(b, u, l.Down, x, true))
}

// scope collects the temporaries of one forward pass so they are freed
// together (the WebGPU backend holds GPU buffers until Free).
type scope struct {
	b    kernels.Backend
	ts   []kernels.Tensor
	keep map[kernels.Tensor]bool
}

func (s *scope) add(t kernels.Tensor) kernels.Tensor {
	s.ts = append(s.ts, t)
	return t
}

// retain takes t out of the scope: it outlives the pass (a KV cache entry).
func (s *scope) retain(t kernels.Tensor) {
	if s.keep == nil {
		s.keep = map[kernels.Tensor]bool{}
	}
	s.keep[t] = true
}

func (s *scope) free() {
	for _, t := range s.ts {
		if !s.keep[t] {
			s.b.Free(t)
		}
	}
	s.ts = nil
}

package text

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

// syntheticLlama builds a random Llama of llama2.c's stories15M shape (dim
// 288, 6 layers, 6 heads, vocab 32000) with Q8_0 matrices, for benchmarks.
func syntheticLlama(b *testing.B) *weights.File {
	const dim, hidden, layers, heads, vocab, ctx = 288, 768, 6, 6, 32000, 256
	r := rand.New(rand.NewPCG(1, 1))
	f := &weights.File{}
	md := &f.Metadata
	md.Set(weights.KeyArchitecture, "llama")
	for k, v := range map[string]uint32{"context_length": ctx, "embedding_length": dim, "feed_forward_length": hidden,
		"block_count": layers, "attention.head_count": heads, "attention.head_count_kv": heads} {
		md.Set("llama."+k, v)
	}
	toks, scores := make([]string, vocab), make([]float32, vocab)
	for i := range toks {
		toks[i] = fmt.Sprintf("t%d", i)
	}
	md.Set(keyTokModel, "llama")
	md.Set(keyTokTokens, toks)
	md.Set(keyTokScores, scores)
	md.Set(keyTokBOS, uint32(1))
	md.Set(keyTokEOS, uint32(2))
	add := func(name string, shape ...int64) {
		n := int64(1)
		for _, d := range shape {
			n *= d
		}
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 0.05)
		}
		dt := quant.Q8_0
		if len(shape) == 1 {
			dt = quant.F32
		}
		data, err := quant.Quantize(dt, x)
		if err != nil {
			b.Fatal(err)
		}
		f.Tensors = append(f.Tensors, weights.TensorInfo{Name: name, Shape: shape, DType: dt, Data: data})
	}
	add("token_embd.weight", vocab, dim)
	for l := 0; l < layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		add(p+"attn_norm.weight", dim)
		add(p+"attn_q.weight", dim, dim)
		add(p+"attn_k.weight", dim, dim)
		add(p+"attn_v.weight", dim, dim)
		add(p+"attn_output.weight", dim, dim)
		add(p+"ffn_norm.weight", dim)
		add(p+"ffn_gate.weight", hidden, dim)
		add(p+"ffn_up.weight", hidden, dim)
		add(p+"ffn_down.weight", dim, hidden)
	}
	add("output_norm.weight", dim)
	return f
}

// BenchmarkLlamaDecode measures one cached decode step (tokens/s = 1/op)
// at 64 cached positions.
func BenchmarkLlamaDecode(b *testing.B) {
	m, err := Load(kernels.NewCPU(0), syntheticLlama(b))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	prompt := make([]int32, 64)
	for i := range prompt {
		prompt[i] = int32(3 + i)
	}
	cache := m.NewCache()
	if _, err := m.Forward(prompt, cache); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if cache.Len() == m.Config.ContextLength {
			b.StopTimer()
			cache.Reset()
			m.Forward(prompt, cache)
			b.StartTimer()
		}
		if _, err := m.Forward([]int32{5}, cache); err != nil {
			b.Fatal(err)
		}
	}
}

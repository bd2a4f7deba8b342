package text

import (
	"errors"
	"fmt"
	"strings"

	"github.com/genplay/genplay/weights"
)

// Architectures lists the general.architecture values this package runs.
var Architectures = []string{"gpt2", "llama"}

// Config is a decoder's hyperparameters, read from llama.cpp's metadata keys
// ARCH.context_length, ARCH.embedding_length, ... (ARCH = gpt2 or llama).
type Config struct {
	Arch          string  // "gpt2" or "llama"
	ContextLength int     // positions the model was trained on; a sequence may not be longer
	Dim           int     // embedding length: width of the residual stream
	FFNDim        int     // hidden width of the feed-forward block
	Layers        int     // transformer blocks
	Heads         int     // query heads
	KVHeads       int     // key/value heads: Heads for multi-head, fewer for grouped-query attention
	HeadDim       int     // Dim / Heads
	VocabSize     int     // rows of token_embd.weight
	RopeBase      float32 // llama: RoPE frequency base (θ), 10000 unless the file says otherwise
	NormEps       float32 // epsilon of every LayerNorm (gpt2) or RMSNorm (llama)
}

// maxConfigDim bounds every size read from metadata, so a hostile file
// cannot make the loader allocate absurd buffers before the tensor checks.
const maxConfigDim = 1 << 24

// ReadConfig reads the hyperparameters of f, a GGUF file holding a GPT-2 or
// Llama model. The vocabulary size comes from token_embd.weight.
func ReadConfig(f *weights.File) (Config, error) {
	arch := f.Architecture()
	c := Config{Arch: arch}
	switch arch {
	case "gpt2", "llama":
	case "":
		return c, fmt.Errorf("the file has no %s (supported text architectures: %s)", weights.KeyArchitecture, strings.Join(Architectures, ", "))
	default:
		return c, fmt.Errorf("architecture %q is not supported (supported text architectures: %s)", arch, strings.Join(Architectures, ", "))
	}
	md := &f.Metadata
	var err error
	need := func(dst *int, key string) {
		if err != nil {
			return
		}
		var v uint64
		if v, err = md.GetUint(arch + "." + key); err == nil && (v < 1 || v > maxConfigDim) {
			err = fmt.Errorf("%s.%s = %d is out of range [1, %d]", arch, key, v, maxConfigDim)
		}
		*dst = int(v)
	}
	need(&c.ContextLength, "context_length")
	need(&c.Dim, "embedding_length")
	need(&c.FFNDim, "feed_forward_length")
	need(&c.Layers, "block_count")
	need(&c.Heads, "attention.head_count")
	if err != nil {
		return c, err
	}
	c.KVHeads = c.Heads
	if _, ok := md.Get(arch + ".attention.head_count_kv"); ok {
		need(&c.KVHeads, "attention.head_count_kv")
		if err != nil {
			return c, err
		}
	}
	if c.Dim%c.Heads != 0 || c.Heads%c.KVHeads != 0 {
		return c, fmt.Errorf("%d heads and %d key/value heads do not divide embedding length %d", c.Heads, c.KVHeads, c.Dim)
	}
	c.HeadDim = c.Dim / c.Heads

	epsKey := arch + ".attention.layer_norm_epsilon"
	c.NormEps = 1e-5
	if arch == "llama" {
		epsKey = arch + ".attention.layer_norm_rms_epsilon"
		c.RopeBase = 10000
		if err := optFloat(md, arch+".rope.freq_base", &c.RopeBase); err != nil {
			return c, err
		}
		if c.HeadDim%2 != 0 {
			return c, fmt.Errorf("RoPE needs an even head dimension, got %d", c.HeadDim)
		}
		if n, err := md.GetUint(arch + ".rope.dimension_count"); err == nil && int(n) != c.HeadDim {
			return c, fmt.Errorf("%s.rope.dimension_count = %d: partial rotary embeddings are not supported (head dimension %d)", arch, n, c.HeadDim)
		}
	}
	if err := optFloat(md, epsKey, &c.NormEps); err != nil {
		return c, err
	}
	if !(c.NormEps > 0 && c.NormEps < 1) {
		return c, fmt.Errorf("%s = %g is out of range (0, 1)", epsKey, c.NormEps)
	}

	emb, err := f.Tensor("token_embd.weight")
	if err != nil {
		return c, err
	}
	if len(emb.Shape) != 2 || emb.Shape[1] != int64(c.Dim) || emb.Shape[0] > maxConfigDim {
		return c, fmt.Errorf("token_embd.weight has shape %v, want [vocab, %d]", emb.Shape, c.Dim)
	}
	c.VocabSize = int(emb.Shape[0])
	return c, nil
}

func optFloat(md *weights.Metadata, key string, dst *float32) error {
	v, err := md.GetFloat(key)
	if errors.Is(err, weights.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if v <= 0 {
		return fmt.Errorf("%s = %g must be positive", key, v)
	}
	*dst = float32(v)
	return nil
}

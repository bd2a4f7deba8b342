package text

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"

	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

// llama2.c (karpathy/llama2.c) checkpoints: the legacy format that run.c
// reads and export.py writes with --version 0. All little-endian:
//
//	int32 dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len
//	  (vocab_size < 0: the classifier is not shared with the embedding)
//	float32 token_embedding (vocab, dim)
//	        rms_att (layer, dim), wq (layer, dim, dim), wk (layer, kv_dim, dim),
//	        wv (layer, kv_dim, dim), wo (layer, dim, dim), rms_ffn (layer, dim),
//	        w1 (layer, hidden, dim), w2 (layer, dim, hidden), w3 (layer, hidden, dim),
//	        rms_final (dim), freq_cis_real (seq_len, head_size/2),
//	        freq_cis_imag (seq_len, head_size/2), [wcls (vocab, dim)]
//
// Matrices are nn.Linear weights, (out, in). q and k rows are in Meta's
// layout (RoPE on adjacent pairs), which is what a llama GGUF holds, so they
// are copied as they are. w1 is the gate, w3 the up projection.
//
// tokenizer.bin: uint32 max_token_length, then per token float32 score,
// int32 length, bytes; SentencePiece's U+2581 is written as a space and BOS
// and EOS as "\n<s>\n" and "\n</s>\n".

// llama2cMagic starts the versioned formats of export.py ("ak42").
const llama2cMagic = 0x616b3432

// llama2cMaxDim bounds every header field before anything is allocated.
const llama2cMaxDim = 1 << 20

// ImportLlama2C reads a llama2.c checkpoint and its tokenizer.bin and returns
// the model as a llama GGUF file with f32 tensors and the tokenizer in
// tokenizer.ggml.* metadata.
func ImportLlama2C(model, tokenizer io.Reader) (*weights.File, error) {
	r := bufio.NewReaderSize(model, 1<<20)
	var hdr [7]int32
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		return nil, fmt.Errorf("llama2.c header: %w", err)
	}
	if uint32(hdr[0]) == llama2cMagic {
		return nil, fmt.Errorf("llama2.c export version %d is not supported (supported: the legacy version 0 that run.c reads; re-export with export.py --version 0)", hdr[1])
	}
	dim, hidden, layers, heads, kvHeads, vocab, seqLen := int(hdr[0]), int(hdr[1]), int(hdr[2]), int(hdr[3]), int(hdr[4]), int(hdr[5]), int(hdr[6])
	shared := vocab > 0
	vocab = max(vocab, -vocab)
	for _, v := range []struct {
		name string
		n    int
	}{{"dim", dim}, {"hidden_dim", hidden}, {"n_layers", layers}, {"n_heads", heads}, {"n_kv_heads", kvHeads}, {"vocab_size", vocab}, {"seq_len", seqLen}} {
		if v.n < 1 || v.n > llama2cMaxDim {
			return nil, fmt.Errorf("llama2.c header: %s = %d is out of range [1, %d]", v.name, v.n, llama2cMaxDim)
		}
	}
	if dim%heads != 0 || heads%kvHeads != 0 || (dim/heads)%2 != 0 {
		return nil, fmt.Errorf("llama2.c header: dim %d, %d heads, %d kv heads do not fit (heads must divide dim into even head sizes, kv heads divide heads)", dim, heads, kvHeads)
	}
	if layers > 1024 {
		return nil, fmt.Errorf("llama2.c header: %d layers (at most 1024)", layers)
	}
	hs := dim / heads
	kvDim := kvHeads * hs

	f := &weights.File{}
	read := func(name string, shape ...int64) ([]float32, error) {
		n := int64(1)
		for _, d := range shape {
			n *= d
		}
		if n > 1<<31 {
			return nil, fmt.Errorf("llama2.c %s: %v is too large", name, shape)
		}
		buf := make([]byte, 4*n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("llama2.c checkpoint ends inside %s: %w", name, err)
		}
		x := make([]float32, n)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		return x, nil
	}
	add := func(name string, x []float32, shape ...int64) {
		data, _ := quant.Quantize(quant.F32, x)
		f.Tensors = append(f.Tensors, weights.TensorInfo{Name: name, Shape: shape, DType: quant.F32, Data: data})
	}
	// perLayer reads one (layer, rows, cols) block and adds it as blk.N.name.
	perLayer := func(name string, rows, cols int64) error {
		x, err := read(name, int64(layers), rows, cols)
		if err != nil {
			return err
		}
		per := rows * cols
		for l := int64(0); l < int64(layers); l++ {
			shape := []int64{rows, cols}
			if rows == 1 {
				shape = []int64{cols}
			}
			add(fmt.Sprintf("blk.%d.%s.weight", l, name), x[l*per:(l+1)*per], shape...)
		}
		return nil
	}
	emb, err := read("token_embedding", int64(vocab), int64(dim))
	if err != nil {
		return nil, err
	}
	add("token_embd.weight", emb, int64(vocab), int64(dim))
	for _, t := range []struct {
		name       string
		rows, cols int
	}{
		{"attn_norm", 1, dim}, {"attn_q", dim, dim}, {"attn_k", kvDim, dim}, {"attn_v", kvDim, dim},
		{"attn_output", dim, dim}, {"ffn_norm", 1, dim},
		{"ffn_gate", hidden, dim}, {"ffn_down", dim, hidden}, {"ffn_up", hidden, dim},
	} {
		if err := perLayer(t.name, int64(t.rows), int64(t.cols)); err != nil {
			return nil, err
		}
	}
	norm, err := read("rms_final", int64(dim))
	if err != nil {
		return nil, err
	}
	add("output_norm.weight", norm, int64(dim))
	// The precomputed RoPE tables are skipped: they are base 10000, which the
	// metadata says.
	for _, name := range []string{"freq_cis_real", "freq_cis_imag"} {
		if _, err := read(name, int64(seqLen), int64(hs/2)); err != nil {
			return nil, err
		}
	}
	if !shared {
		cls, err := read("wcls", int64(vocab), int64(dim))
		if err != nil {
			return nil, err
		}
		add("output.weight", cls, int64(vocab), int64(dim))
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, errors.New("llama2.c checkpoint has bytes after the last tensor: is the header (or the classifier sharing sign of vocab_size) right?")
	}

	md := &f.Metadata
	md.Set(weights.KeyArchitecture, "llama")
	md.Set("general.name", "llama2.c")
	for _, kv := range []struct {
		key string
		n   int
	}{{"context_length", seqLen}, {"embedding_length", dim}, {"feed_forward_length", hidden}, {"block_count", layers},
		{"attention.head_count", heads}, {"attention.head_count_kv", kvHeads}, {"rope.dimension_count", hs}} {
		md.Set("llama."+kv.key, uint32(kv.n))
	}
	md.Set("llama.rope.freq_base", float32(10000))
	md.Set("llama.attention.layer_norm_rms_epsilon", float32(1e-5)) // run.c's rmsnorm
	if err := readLlama2CTokenizer(tokenizer, vocab, md); err != nil {
		return nil, err
	}
	return f, nil
}

var bytePiece = regexp.MustCompile(`^<0x[0-9A-F]{2}>$`)

// readLlama2CTokenizer reads tokenizer.bin into SentencePiece metadata.
func readLlama2CTokenizer(tokenizer io.Reader, vocab int, md *weights.Metadata) error {
	r := bufio.NewReader(tokenizer)
	var maxLen uint32
	if err := binary.Read(r, binary.LittleEndian, &maxLen); err != nil {
		return fmt.Errorf("llama2.c tokenizer: %w", err)
	}
	tokens := make([]string, vocab)
	scores := make([]float32, vocab)
	types := make([]int32, vocab)
	for i := range tokens {
		var rec struct {
			Score float32
			Len   int32
		}
		if err := binary.Read(r, binary.LittleEndian, &rec); err != nil {
			return fmt.Errorf("llama2.c tokenizer ends at token %d of %d (does it belong to this model?): %w", i, vocab, err)
		}
		if rec.Len < 0 || uint32(rec.Len) > maxLen || rec.Len > 1<<16 {
			return fmt.Errorf("llama2.c tokenizer: token %d has length %d (max_token_length %d)", i, rec.Len, maxLen)
		}
		b := make([]byte, rec.Len)
		if _, err := io.ReadFull(r, b); err != nil {
			return fmt.Errorf("llama2.c tokenizer ends inside token %d: %w", i, err)
		}
		piece, typ := string(b), int32(tokNormal)
		switch {
		case i == 1 && piece == "\n<s>\n":
			piece, typ = "<s>", tokControl
		case i == 2 && piece == "\n</s>\n":
			piece, typ = "</s>", tokControl
		case i == 0 && piece == "<unk>":
			typ = tokUnknown
		case bytePiece.MatchString(piece):
			typ = tokByte
		default:
			piece = strings.ReplaceAll(piece, " ", spaceRune)
		}
		tokens[i], scores[i], types[i] = piece, rec.Score, typ
	}
	md.Set(keyTokModel, "llama")
	md.Set(keyTokTokens, tokens)
	md.Set(keyTokScores, scores)
	md.Set(keyTokTypes, types)
	md.Set(keyTokUNK, uint32(0))
	md.Set(keyTokBOS, uint32(1))
	md.Set(keyTokEOS, uint32(2))
	md.Set(keyTokAddBOS, true)
	md.Set(keyTokSpacePrefix, true)
	return nil
}

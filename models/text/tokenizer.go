package text

import (
	"errors"
	"fmt"
	"strings"

	"github.com/genplay/genplay/weights"
)

// GGUF tokenizer metadata keys, as llama.cpp writes them.
const (
	keyTokModel       = "tokenizer.ggml.model"
	keyTokTokens      = "tokenizer.ggml.tokens"
	keyTokScores      = "tokenizer.ggml.scores"
	keyTokTypes       = "tokenizer.ggml.token_type"
	keyTokMerges      = "tokenizer.ggml.merges"
	keyTokBOS         = "tokenizer.ggml.bos_token_id"
	keyTokEOS         = "tokenizer.ggml.eos_token_id"
	keyTokUNK         = "tokenizer.ggml.unknown_token_id"
	keyTokAddBOS      = "tokenizer.ggml.add_bos_token"
	keyTokSpacePrefix = "tokenizer.ggml.add_space_prefix"
)

// Token types of tokenizer.ggml.token_type (llama.cpp's llama_token_type).
const (
	tokNormal      = 1
	tokUnknown     = 2
	tokControl     = 3
	tokUserDefined = 4
	tokUnused      = 5
	tokByte        = 6
)

// ErrNoTokenizer is returned when a model file carries no tokenizer.
var ErrNoTokenizer = errors.New("the model file has no tokenizer (tokenizer.ggml.model and tokenizer.ggml.tokens are missing)")

// maxVocab bounds the vocabulary read from a file; the largest real ones
// (Gemma, Llama 3) are around 256k.
const maxVocab = 1 << 20

// Tokenizer turns text into token ids and back. Two kinds are supported, the
// ones tokenizer.ggml.model names:
//
//   - "gpt2": byte-level BPE. Text is split by GPT-2's pre-tokenizer pattern,
//     each piece's UTF-8 bytes are mapped to printable runes and merged by
//     the ranks of tokenizer.ggml.merges (bpe_bytelevel.go).
//   - "llama": SentencePiece BPE. Spaces become U+2581, adjacent symbols are
//     merged by the best score of tokenizer.ggml.scores, and what is not in
//     the vocabulary falls back to <0xXX> byte tokens (bpe_spm.go).
type Tokenizer struct {
	model  string
	tokens []string
	ids    map[string]int32
	types  []int32 // llama.cpp token types; all normal when the file has none

	// BOS, EOS and UNK are the special ids, -1 when the vocabulary has none.
	BOS, EOS, UNK int32
	// AddBOS says whether Encode should start with BOS by default.
	AddBOS bool

	bpe *byteLevelBPE // gpt2
	spm *sentencePiece
}

// NewTokenizer reads the tokenizer stored in a model's GGUF metadata.
func NewTokenizer(md *weights.Metadata) (*Tokenizer, error) {
	model, err := md.GetString(keyTokModel)
	if errors.Is(err, weights.ErrKeyNotFound) {
		return nil, ErrNoTokenizer
	}
	if err != nil {
		return nil, err
	}
	tokens, err := md.GetStrings(keyTokTokens)
	if errors.Is(err, weights.ErrKeyNotFound) {
		return nil, ErrNoTokenizer
	}
	if err != nil {
		return nil, err
	}
	if len(tokens) == 0 || len(tokens) > maxVocab {
		return nil, fmt.Errorf("%s has %d tokens (want 1 to %d)", keyTokTokens, len(tokens), maxVocab)
	}
	t := &Tokenizer{model: model, tokens: tokens, ids: make(map[string]int32, len(tokens)), BOS: -1, EOS: -1, UNK: -1}
	for i, s := range tokens {
		if _, dup := t.ids[s]; !dup { // the first of duplicate pieces wins, as in llama.cpp
			t.ids[s] = int32(i)
		}
	}
	t.types = make([]int32, len(tokens))
	for i := range t.types {
		t.types[i] = tokNormal
	}
	if types, err := md.GetInts(keyTokTypes); err == nil {
		if len(types) != len(tokens) {
			return nil, fmt.Errorf("%s has %d entries for %d tokens", keyTokTypes, len(types), len(tokens))
		}
		for i, ty := range types {
			t.types[i] = int32(ty)
		}
	} else if !errors.Is(err, weights.ErrKeyNotFound) {
		return nil, err
	}
	if t.BOS, err = specialID(md, keyTokBOS, len(tokens)); err != nil {
		return nil, err
	}
	if t.EOS, err = specialID(md, keyTokEOS, len(tokens)); err != nil {
		return nil, err
	}
	if t.UNK, err = specialID(md, keyTokUNK, len(tokens)); err != nil {
		return nil, err
	}

	switch model {
	case "gpt2":
		merges, err := md.GetStrings(keyTokMerges)
		if err != nil {
			return nil, fmt.Errorf("gpt2 tokenizer: %w", err)
		}
		if t.bpe, err = newByteLevelBPE(t.ids, merges); err != nil {
			return nil, err
		}
		t.AddBOS = boolOr(md, keyTokAddBOS, false)
	case "llama":
		scores, err := md.GetFloats(keyTokScores)
		if err != nil {
			return nil, fmt.Errorf("llama tokenizer: %w", err)
		}
		if len(scores) != len(tokens) {
			return nil, fmt.Errorf("%s has %d entries for %d tokens", keyTokScores, len(scores), len(tokens))
		}
		t.spm = newSentencePiece(t, scores, boolOr(md, keyTokSpacePrefix, true))
		t.AddBOS = boolOr(md, keyTokAddBOS, true)
	default:
		return nil, fmt.Errorf("tokenizer model %q is not supported (supported: gpt2, llama)", model)
	}
	if t.AddBOS && t.BOS < 0 {
		return nil, fmt.Errorf("%s is set but the vocabulary has no BOS token (%s)", keyTokAddBOS, keyTokBOS)
	}
	return t, nil
}

func specialID(md *weights.Metadata, key string, n int) (int32, error) {
	id, err := md.GetUint(key)
	if errors.Is(err, weights.ErrKeyNotFound) {
		return -1, nil
	}
	if err != nil {
		return -1, err
	}
	if id >= uint64(n) {
		return -1, fmt.Errorf("%s = %d is outside the vocabulary of %d tokens", key, id, n)
	}
	return int32(id), nil
}

func boolOr(md *weights.Metadata, key string, def bool) bool {
	if b, err := md.GetBool(key); err == nil {
		return b
	}
	return def
}

// Model returns the tokenizer kind: "gpt2" or "llama".
func (t *Tokenizer) Model() string { return t.model }

// VocabSize returns the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// Token returns the vocabulary entry of id as stored in the file.
func (t *Tokenizer) Token(id int32) string {
	if id < 0 || int(id) >= len(t.tokens) {
		return ""
	}
	return t.tokens[id]
}

// Encode returns the ids of text, starting with BOS when addBOS is set (and
// the vocabulary has one). Special tokens written in the text are not
// recognized: they are tokenized as ordinary text, as GPT-2's encoder does.
func (t *Tokenizer) Encode(text string, addBOS bool) []int32 {
	var ids []int32
	if addBOS && t.BOS >= 0 {
		ids = append(ids, t.BOS)
	}
	if text == "" {
		return ids
	}
	if t.bpe != nil {
		return t.bpe.encode(ids, text)
	}
	return t.spm.encode(ids, text)
}

// TokenBytes returns the bytes id stands for in generated text: nothing for
// control tokens, the byte itself for a <0xXX> byte token. A token may hold
// part of a UTF-8 sequence; concatenating the bytes of a sequence of tokens
// gives its text.
func (t *Tokenizer) TokenBytes(id int32) []byte {
	if id < 0 || int(id) >= len(t.tokens) {
		return nil
	}
	switch t.types[id] {
	case tokControl, tokUnknown, tokUnused:
		return nil
	}
	if t.bpe != nil {
		return t.bpe.bytes(t.tokens[id])
	}
	return t.spm.bytes(id)
}

// Decode returns the text of ids. For SentencePiece vocabularies the space
// that Encode put in front of the text is removed again.
func (t *Tokenizer) Decode(ids []int32) string {
	var b strings.Builder
	for _, id := range ids {
		b.Write(t.TokenBytes(id))
	}
	s := b.String()
	if t.spm != nil && t.spm.addSpacePrefix {
		s = strings.TrimPrefix(s, " ")
	}
	return s
}

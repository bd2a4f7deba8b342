package text

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
)

// testdata/llama2c holds the golden Llama written the way llama2.c's
// export.py (legacy version 0) and tokenizer.py write models, by
// train/text/golden.py. Imported, it must give the golden logits.
func readLlama2C(t *testing.T) (model, tok []byte) {
	t.Helper()
	model, err := os.ReadFile(filepath.Join("testdata", "llama2c", "model.bin"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err = os.ReadFile(filepath.Join("testdata", "llama2c", "tokenizer.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return model, tok
}

func TestImportLlama2C(t *testing.T) {
	model, tok := readLlama2C(t)
	f, err := ImportLlama2C(bytes.NewReader(model), bytes.NewReader(tok))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(kernels.NewCPU(0), f)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	checkGolden(t, m, "llama", 1e-5)

	// The tokenizer must come back as the GGUF's (pieces, scores, specials).
	ref, err := NewTokenizer(&openTestFile(t, "llama").Metadata)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Tokenizer.tokens, ref.tokens) || !slices.Equal(m.Tokenizer.types, ref.types) {
		t.Error("imported vocabulary differs from the GGUF's")
	}
	if m.Tokenizer.BOS != 1 || m.Tokenizer.EOS != 2 || m.Tokenizer.UNK != 0 {
		t.Errorf("specials BOS %d EOS %d UNK %d", m.Tokenizer.BOS, m.Tokenizer.EOS, m.Tokenizer.UNK)
	}
	for _, s := range []string{"Once upon a time, the llama", "x\ny"} {
		if a, b := m.Tokenizer.Encode(s, true), ref.Encode(s, true); !slices.Equal(a, b) {
			t.Errorf("%q: imported %v, GGUF %v", s, a, b)
		}
	}
}

func TestImportLlama2CRejectsBadInput(t *testing.T) {
	model, tok := readLlama2C(t)
	v1 := slices.Clone(model)
	binary.LittleEndian.PutUint32(v1, llama2cMagic)
	binary.LittleEndian.PutUint32(v1[4:], 1)
	badHeads := slices.Clone(model)
	binary.LittleEndian.PutUint32(badHeads[12:], 3)
	cases := []struct {
		name       string
		model, tok []byte
		want       string
	}{
		{"empty", nil, tok, "llama2.c header"},
		{"version 1", v1, tok, "export version 1 is not supported"},
		{"bad heads", badHeads, tok, "do not fit"},
		{"truncated", model[:len(model)-100], tok, "checkpoint ends inside wcls"},
		{"trailing bytes", append(slices.Clone(model), 1, 2, 3, 4), tok, "bytes after the last tensor"},
		{"short tokenizer", model, tok[:len(tok)/2], "tokenizer ends"},
	}
	for _, tc := range cases {
		_, err := ImportLlama2C(bytes.NewReader(tc.model), bytes.NewReader(tc.tok))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

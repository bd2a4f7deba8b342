package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTokenizers checks, for both tiny test vocabularies, that any text
// encodes without panicking, to ids inside the vocabulary, and that valid
// UTF-8 decodes back to itself (byte fallback covers every character).
func FuzzTokenizers(f *testing.F) {
	for _, s := range []string{"", " ", "Once upon a time", "  x\n\n\ty", "你好 🦙", "'s'll're", "\xff\xfe", "a\u2581b"} {
		f.Add(s)
	}
	toks := map[string]*Tokenizer{}
	for _, name := range []string{"gpt2", "llama"} {
		tok, err := NewTokenizer(&openTestFile(f, name).Metadata)
		if err != nil {
			f.Fatal(err)
		}
		toks[name] = tok
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, tok := range toks {
			ids := tok.Encode(s, false)
			for _, id := range ids {
				if id < 0 || int(id) >= tok.VocabSize() {
					t.Fatalf("%s: id %d outside the vocabulary", name, id)
				}
			}
			if !utf8.ValidString(s) {
				continue
			}
			want := s
			if name == "llama" { // SentencePiece writes spaces as U+2581 and reads them back as spaces
				want = strings.ReplaceAll(s, "\u2581", " ")
			}
			if got := tok.Decode(ids); got != want {
				t.Errorf("%s: Decode(Encode(%q)) = %q", name, s, got)
			}
		}
	})
}

package text

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// byteLevelBPE is GPT-2's tokenizer. Every byte is first mapped to a
// printable rune (bytesToRunes), so the vocabulary and merges are strings of
// such runes and any byte sequence can be encoded without an unknown token.
type byteLevelBPE struct {
	ids    map[string]int32
	ranks  map[[2]string]int // merge pair -> priority, lower merges first
	toRune [256]rune
	toByte map[rune]byte

	mu    sync.Mutex
	cache map[string][]int32 // pre-token -> ids; text repeats words a lot
}

func newByteLevelBPE(ids map[string]int32, merges []string) (*byteLevelBPE, error) {
	b := &byteLevelBPE{ids: ids, ranks: make(map[[2]string]int, len(merges)), toByte: map[rune]byte{}, cache: map[string][]int32{}}
	for i, m := range merges {
		l, r, ok := strings.Cut(m, " ")
		if !ok || l == "" || r == "" {
			return nil, fmt.Errorf("%s[%d] = %q is not two symbols separated by a space", keyTokMerges, i, m)
		}
		if _, dup := b.ranks[[2]string{l, r}]; !dup {
			b.ranks[[2]string{l, r}] = i
		}
	}
	b.toRune = bytesToRunes()
	for i, r := range b.toRune {
		b.toByte[r] = byte(i)
	}
	return b, nil
}

// bytesToRunes is GPT-2's bytes_to_unicode: printable Latin-1 bytes map to
// themselves, the other 68 to U+0100 onwards in byte order.
func bytesToRunes() [256]rune {
	var m [256]rune
	n := 0
	for c := 0; c < 256; c++ {
		if (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF) {
			m[c] = rune(c)
		} else {
			m[c] = rune(256 + n)
			n++
		}
	}
	return m
}

func (b *byteLevelBPE) encode(ids []int32, text string) []int32 {
	for _, piece := range preTokenize(text) {
		ids = append(ids, b.encodePiece(piece)...)
	}
	return ids
}

func (b *byteLevelBPE) encodePiece(piece string) []int32 {
	b.mu.Lock()
	cached, ok := b.cache[piece]
	b.mu.Unlock()
	if ok {
		return cached
	}
	word := make([]string, len(piece))
	for i := 0; i < len(piece); i++ {
		word[i] = string(b.toRune[piece[i]])
	}
	// Merge the pair of lowest rank, everywhere it occurs, until no adjacent
	// pair is a merge (GPT-2's bpe()).
	for len(word) > 1 {
		best, bestRank := [2]string{}, -1
		for i := 0; i+1 < len(word); i++ {
			if r, ok := b.ranks[[2]string{word[i], word[i+1]}]; ok && (bestRank < 0 || r < bestRank) {
				best, bestRank = [2]string{word[i], word[i+1]}, r
			}
		}
		if bestRank < 0 {
			break
		}
		merged := word[:0:0]
		for i := 0; i < len(word); i++ {
			if i+1 < len(word) && word[i] == best[0] && word[i+1] == best[1] {
				merged = append(merged, best[0]+best[1])
				i++
			} else {
				merged = append(merged, word[i])
			}
		}
		word = merged
	}
	out := make([]int32, 0, len(word))
	for _, sym := range word {
		if id, ok := b.ids[sym]; ok {
			out = append(out, id)
			continue
		}
		// A vocabulary without some merge result: fall back to the symbol's
		// single-byte tokens, which every byte-level vocabulary has.
		for _, r := range sym {
			if id, ok := b.ids[string(r)]; ok {
				out = append(out, id)
			}
		}
	}
	b.mu.Lock()
	if len(b.cache) > 1<<16 {
		clear(b.cache)
	}
	b.cache[piece] = out
	b.mu.Unlock()
	return out
}

// bytes returns the bytes a vocabulary entry stands for.
func (b *byteLevelBPE) bytes(tok string) []byte {
	out := make([]byte, 0, len(tok))
	for _, r := range tok {
		if c, ok := b.toByte[r]; ok {
			out = append(out, c)
		} else { // not a byte-level rune (an added token): keep its text
			out = utf8.AppendRune(out, r)
		}
	}
	return out
}

// preTokenize splits text like GPT-2's pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// by hand, since Go's regexp has no lookahead. Whitespace is Unicode's
// White_Space, as in the Python regex module GPT-2 used.
func preTokenize(text string) []string {
	// Invalid UTF-8 becomes U+FFFD, as it would in a JavaScript or Python string.
	rs := []rune(text)
	text = string(rs)
	offs := make([]int, len(rs)+1) // byte offset of every rune, so pieces slice text
	for i, o := 0, 0; i < len(rs); i++ {
		offs[i] = o
		o += utf8.RuneLen(rs[i])
	}
	offs[len(rs)] = len(text)
	var out []string
	i := 0
	for i < len(rs) {
		n := matchAt(rs, i)
		out = append(out, text[offs[i]:offs[i+n]])
		i += n
	}
	return out
}

// matchAt returns the length in runes of the pattern's match at rs[i:].
func matchAt(rs []rune, i int) int {
	if rs[i] == '\'' && i+1 < len(rs) {
		for _, c := range []string{"s", "t", "re", "ve", "m", "ll", "d"} {
			if hasRunes(rs[i+1:], c) {
				return 1 + len(c)
			}
		}
	}
	j := i
	if rs[j] == ' ' && j+1 < len(rs) {
		j++
	}
	if class := runeClass(rs[j]); class != classSpace {
		k := j + 1
		for k < len(rs) && runeClass(rs[k]) == class {
			k++
		}
		return k - i
	}
	// A whitespace run: all of it at the end of the text, else all but its
	// last rune (which then leads the next word), else the single rune.
	k := i
	for k < len(rs) && unicode.IsSpace(rs[k]) {
		k++
	}
	if k == len(rs) || k-i == 1 {
		return k - i
	}
	return k - 1 - i
}

const (
	classSpace = iota
	classLetter
	classNumber
	classOther
)

func runeClass(r rune) int {
	switch {
	case unicode.IsSpace(r):
		return classSpace
	case unicode.IsLetter(r):
		return classLetter
	case unicode.IsNumber(r):
		return classNumber
	}
	return classOther
}

func hasRunes(rs []rune, s string) bool {
	for _, c := range s {
		if len(rs) == 0 || rs[0] != c {
			return false
		}
		rs = rs[1:]
	}
	return true
}

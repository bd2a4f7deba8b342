package text

import (
	"container/heap"
	"fmt"
	"strings"
	"unicode/utf8"
)

// sentencePiece is the BPE flavour of SentencePiece that Llama uses, as
// llama.cpp runs it from GGUF metadata: text is cut into UTF-8 characters,
// then the adjacent pair whose concatenation is a vocabulary piece with the
// highest score is merged (leftmost first on ties) until no pair is a piece.
// A character that is not a piece becomes its <0xXX> byte tokens (byte
// fallback), or the unknown token when the vocabulary has no byte tokens.
type sentencePiece struct {
	t              *Tokenizer
	scores         []float32
	byteIDs        [256]int32 // id of <0xXX>, -1 when absent
	addSpacePrefix bool       // put a space in front of the text, as SentencePiece's add_dummy_prefix
}

// spaceRune is SentencePiece's visible space, U+2581.
const spaceRune = "\u2581"

func newSentencePiece(t *Tokenizer, scores []float32, addSpacePrefix bool) *sentencePiece {
	s := &sentencePiece{t: t, scores: scores, addSpacePrefix: addSpacePrefix}
	for b := range s.byteIDs {
		s.byteIDs[b] = -1
		if id, ok := t.ids[fmt.Sprintf("<0x%02X>", b)]; ok {
			s.byteIDs[b] = id
		}
	}
	return s
}

// symbol is one piece of the text being merged, in a linked list.
type symbol struct {
	start, n   int // bytes of the text; n == 0 once merged into its left neighbour
	prev, next int // indices into the symbol slice, -1 at the ends
}

// bigram is a candidate merge of symbols left and right.
type bigram struct {
	left, right int
	score       float32
	size        int // bytes of the merged piece, to spot stale candidates
}

type bigramQueue []bigram

func (q bigramQueue) Len() int { return len(q) }
func (q bigramQueue) Less(i, j int) bool {
	if q[i].score != q[j].score {
		return q[i].score > q[j].score
	}
	return q[i].left < q[j].left
}
func (q bigramQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *bigramQueue) Push(x any)   { *q = append(*q, x.(bigram)) }
func (q *bigramQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func (s *sentencePiece) encode(ids []int32, text string) []int32 {
	if s.addSpacePrefix {
		text = " " + text
	}
	text = strings.ReplaceAll(text, " ", spaceRune)

	var syms []symbol
	for i := 0; i < len(text); {
		_, n := utf8.DecodeRuneInString(text[i:])
		syms = append(syms, symbol{start: i, n: n, prev: len(syms) - 1, next: len(syms) + 1})
		i += n
	}
	syms[len(syms)-1].next = -1

	q := &bigramQueue{}
	try := func(l, r int) {
		if l < 0 || r < 0 {
			return
		}
		piece := text[syms[l].start : syms[r].start+syms[r].n]
		if id, ok := s.t.ids[piece]; ok {
			heap.Push(q, bigram{left: l, right: r, score: s.scores[id], size: len(piece)})
		}
	}
	for i := 1; i < len(syms); i++ {
		try(i-1, i)
	}
	for q.Len() > 0 {
		bg := heap.Pop(q).(bigram)
		l, r := &syms[bg.left], &syms[bg.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != bg.size {
			continue // one side was merged into something else meanwhile
		}
		l.n += r.n
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = bg.left
		}
		try(l.prev, bg.left)
		try(bg.left, l.next)
	}

	for i := 0; i >= 0; i = syms[i].next {
		piece := text[syms[i].start : syms[i].start+syms[i].n]
		if id, ok := s.t.ids[piece]; ok {
			ids = append(ids, id)
			continue
		}
		for j := 0; j < len(piece); j++ {
			if id := s.byteIDs[piece[j]]; id >= 0 {
				ids = append(ids, id)
			} else if s.t.UNK >= 0 {
				ids = append(ids, s.t.UNK)
				break
			}
		}
	}
	return ids
}

// bytes returns the text of token id: U+2581 back to a space, and a byte
// token to its byte.
func (s *sentencePiece) bytes(id int32) []byte {
	tok := s.t.tokens[id]
	if s.t.types[id] == tokByte && len(tok) == 6 && strings.HasPrefix(tok, "<0x") {
		var b byte
		if _, err := fmt.Sscanf(tok[3:5], "%02X", &b); err == nil {
			return []byte{b}
		}
	}
	return []byte(strings.ReplaceAll(tok, spaceRune, " "))
}

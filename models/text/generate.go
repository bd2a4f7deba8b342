package text

import (
	"bytes"
	"errors"
	"fmt"
)

// GenerateOptions says how much to generate and how to pick tokens.
type GenerateOptions struct {
	MaxTokens int      // stop after this many new tokens
	Stop      []string // stop when the generated text contains one of these (it is not emitted)
	Sampler   SamplerConfig
	// Notice, when set, is told about adjustments made to the request (a
	// prompt truncated to fit the context).
	Notice func(msg string)
	// Inspect, when set, is called for each generated token (EOS excluded)
	// before its text is emitted, with the Candidates most likely tokens of
	// that step (inspect.go).
	Inspect    func(StepInfo)
	Candidates int
	// Probe, when set, records one layer and head's attention over the
	// prompt and the generated tokens (inspect.go).
	Probe *AttentionProbe
}

// Stop reasons of a Result.
const (
	StopEOS     = "eos"     // the model produced its end-of-sequence token
	StopString  = "stop"    // a stop string appeared
	StopLength  = "length"  // MaxTokens were generated
	StopContext = "context" // the context window is full
)

// Result describes a finished generation.
type Result struct {
	PromptTokens []int32 // the prompt as run (after BOS and truncation)
	Tokens       []int32 // generated tokens, EOS excluded
	Text         string  // generated text, up to any stop string
	StopReason   string
}

// Generate continues prompt: a prefill pass over the prompt, then one decode
// step per token, each sampled from the last logits. Text is streamed to
// emit as soon as it cannot be the start of a stop string. An empty prompt
// starts from BOS alone.
func (m *Model) Generate(prompt string, opts GenerateOptions, emit func([]byte) error) (Result, error) {
	var res Result
	if opts.MaxTokens < 1 {
		return res, fmt.Errorf("max tokens %d must be at least 1", opts.MaxTokens)
	}
	sampler, err := NewSampler(opts.Sampler)
	if err != nil {
		return res, err
	}
	tok, ctx := m.Tokenizer, m.Config.ContextLength
	ids := tok.Encode(prompt, tok.AddBOS)
	if len(ids) == 0 {
		start := tok.BOS
		if start < 0 {
			start = tok.EOS // GPT-2 style vocabularies start documents after <|endoftext|>
		}
		if start < 0 {
			return res, errors.New("empty prompt and the vocabulary has no BOS or EOS token to start from")
		}
		ids = []int32{start}
	}
	// Keep the end of a prompt that does not fit, leaving room to generate.
	if room := min(opts.MaxTokens, ctx/2); len(ids) > ctx-room {
		keep := ctx - room
		if opts.Notice != nil {
			opts.Notice(fmt.Sprintf("the prompt has %d tokens; the context holds %d, so only its last %d are used", len(ids), ctx, keep))
		}
		ids = ids[len(ids)-keep:]
	}

	if opts.Probe != nil {
		if err := opts.Probe.Check(m.Config); err != nil {
			return res, err
		}
	}
	res.PromptTokens = ids

	cache := m.NewCache()
	cache.SetProbe(opts.Probe)
	defer cache.Reset()
	last, err := m.forwardLast(ids, cache)
	if err != nil {
		return res, err
	}
	history := append([]int32(nil), ids...)
	var text []byte // generated so far
	emitted := 0    // bytes of text already passed to emit
	flush := func(upto int) error {
		if upto <= emitted {
			return nil
		}
		err := emit(text[emitted:upto])
		emitted = upto
		return err
	}
	for {
		var cands []Candidate
		if opts.Inspect != nil {
			cands = TopCandidates(last, opts.Candidates) // before Sample changes last
		}
		id := sampler.Sample(last, history)
		if id == tok.EOS {
			res.StopReason = StopEOS
			break
		}
		if opts.Inspect != nil {
			opts.Inspect(StepInfo{Index: len(res.Tokens), Token: id, Candidates: cands})
		}
		res.Tokens = append(res.Tokens, id)
		history = append(history, id)
		text = append(text, tok.TokenBytes(id)...)
		if i, ok := findStop(text, opts.Stop); ok {
			text = text[:i]
			res.StopReason = StopString
			break
		}
		if err := flush(len(text) - heldBack(text, opts.Stop)); err != nil {
			return res, err
		}
		if len(res.Tokens) == opts.MaxTokens {
			res.StopReason = StopLength
			break
		}
		if cache.Len() == ctx {
			res.StopReason = StopContext
			break
		}
		if last, err = m.forwardLast([]int32{id}, cache); err != nil {
			return res, err
		}
	}
	if err := flush(len(text)); err != nil {
		return res, err
	}
	res.Text = string(text)
	return res, nil
}

// findStop returns where the first stop string starts in text.
func findStop(text []byte, stops []string) (int, bool) {
	best := -1
	for _, s := range stops {
		if s == "" {
			continue
		}
		if i := bytes.Index(text, []byte(s)); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best, best >= 0
}

// heldBack returns how many bytes at the end of text could begin a stop
// string, and so must wait for the next token before being emitted.
func heldBack(text []byte, stops []string) int {
	hold := 0
	for _, s := range stops {
		for n := min(len(s)-1, len(text)); n > hold; n-- {
			if bytes.HasSuffix(text, []byte(s[:n])) {
				hold = n
				break
			}
		}
	}
	return hold
}

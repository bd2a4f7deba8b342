package text

import (
	"slices"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
)

var greedy = SamplerConfig{Greedy: true, TopP: 1, RepetitionPenalty: 1}

func generate(t *testing.T, m *Model, prompt string, opts GenerateOptions) (Result, string) {
	t.Helper()
	var streamed strings.Builder
	res, err := m.Generate(prompt, opts, func(b []byte) error { streamed.Write(b); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if streamed.String() != res.Text {
		t.Errorf("streamed %q, result text %q", streamed.String(), res.Text)
	}
	return res, streamed.String()
}

func TestGenerate(t *testing.T) {
	m := loadTestModel(t, kernels.NewCPU(0), "llama")
	defer m.Close()

	t.Run("greedy equals recomputing without cache", func(t *testing.T) {
		res, _ := generate(t, m, "Once upon a time", GenerateOptions{MaxTokens: 12, Sampler: greedy})
		if res.PromptTokens[0] != m.Tokenizer.BOS {
			t.Errorf("prompt %v does not start with BOS", res.PromptTokens)
		}
		ids := slices.Clone(res.PromptTokens)
		for i := 0; i < len(res.Tokens); i++ {
			logits, err := m.Forward(ids, m.NewCache())
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, argmax(logits[len(logits)-m.Config.VocabSize:]))
		}
		if got := ids[len(res.PromptTokens):]; !slices.Equal(got, res.Tokens) {
			t.Errorf("cached decode %v, full recompute %v", res.Tokens, got)
		}
		if res.StopReason != StopLength && res.StopReason != StopEOS {
			t.Errorf("stop reason %q", res.StopReason)
		}
	})

	t.Run("seeded sampling is deterministic", func(t *testing.T) {
		opts := GenerateOptions{MaxTokens: 16, Sampler: DefaultSampler}
		a, _ := generate(t, m, "the llama", opts)
		b, _ := generate(t, m, "the llama", opts)
		if !slices.Equal(a.Tokens, b.Tokens) {
			t.Errorf("seed %d gave %v then %v", opts.Sampler.Seed, a.Tokens, b.Tokens)
		}
	})

	t.Run("empty prompt starts from BOS", func(t *testing.T) {
		res, _ := generate(t, m, "", GenerateOptions{MaxTokens: 3, Sampler: greedy})
		if !slices.Equal(res.PromptTokens, []int32{m.Tokenizer.BOS}) {
			t.Errorf("prompt tokens %v, want [BOS]", res.PromptTokens)
		}
	})

	t.Run("long prompt is truncated with a notice", func(t *testing.T) {
		var notice string
		long := strings.Repeat("the llama went to the river. ", 40)
		res, _ := generate(t, m, long, GenerateOptions{MaxTokens: 8, Sampler: greedy, Notice: func(s string) { notice = s }})
		if notice == "" || !strings.Contains(notice, "context holds 96") {
			t.Errorf("notice %q", notice)
		}
		if len(res.PromptTokens) != 96-8 {
			t.Errorf("%d prompt tokens kept, want 88", len(res.PromptTokens))
		}
	})

	t.Run("stop string ends the text before it", func(t *testing.T) {
		free, _ := generate(t, m, "Once", GenerateOptions{MaxTokens: 30, Sampler: greedy})
		if len(free.Text) < 6 {
			t.Fatalf("greedy text %q too short to pick a stop string: the fixed test model should give more", free.Text)
		}
		stop := free.Text[3:6]
		res, streamed := generate(t, m, "Once", GenerateOptions{MaxTokens: 30, Sampler: greedy, Stop: []string{stop}})
		want := free.Text[:strings.Index(free.Text, stop)]
		if res.StopReason != StopString || streamed != want {
			t.Errorf("stop %q: reason %q, text %q, want %q", stop, res.StopReason, streamed, want)
		}
	})

	t.Run("bad sampling parameters are refused", func(t *testing.T) {
		cfg := DefaultSampler
		cfg.TopP = 2
		if _, err := m.Generate("x", GenerateOptions{MaxTokens: 1, Sampler: cfg}, func([]byte) error { return nil }); err == nil || !strings.Contains(err.Error(), "(0, 1]") {
			t.Errorf("top-p 2: %v", err)
		}
	})
}

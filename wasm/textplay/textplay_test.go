package textplay

import (
	"net/url"
	"strings"
	"testing"

	"github.com/genplay/genplay/models/text"
)

func TestSettingsRoundTrip(t *testing.T) {
	s := Defaults()
	s.Model, s.Prompt, s.Tokens, s.Layer, s.Head = "fortunes", "You will & win?", 7, 1, 2
	s.Sampler.Seed, s.Sampler.Temperature, s.Sampler.TopK, s.Sampler.TopP, s.Sampler.Greedy = 9, 0.5, 3, 0.9, true
	got, err := Defaults().Apply(s.Query(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got != s {
		t.Errorf("round trip: got %+v, want %+v", got, s)
	}
	// Through a real URL, as a share link travels.
	q, _ := url.ParseQuery(s.Query().Encode())
	if got2, _ := Defaults().Apply(q, nil); got2 != s {
		t.Errorf("through the URL: %+v", got2)
	}
}

func TestSettingsRefused(t *testing.T) {
	cfg := &text.Config{VocabSize: 100, Layers: 2, Heads: 4}
	for _, c := range []struct{ key, value, want string }{
		{KeyTemperature, "11", "out of range [0, 10]"},
		{KeyTopP, "0", "out of range (0, 1]"},
		{KeyTopK, "101", "out of range [0, 100]"},
		{KeyTokens, "0", "out of range [1, 1024]"},
		{KeyLayer, "2", "layer \"2\" is out of range [0, 1]"},
		{KeyHead, "-1", "out of range [0, 3]"},
		{KeySeed, "x", "seed"},
		{KeyPenalty, "0.5", "out of range [1, 10]"},
		{KeyGreedy, "maybe", "1 or 0"},
	} {
		s := Defaults()
		got, err := s.Apply(url.Values{c.key: {c.value}}, cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%s: error %v, want it to mention %q", c.key, c.value, err, c.want)
		}
		if got != s {
			t.Errorf("%s=%s changed the settings", c.key, c.value)
		}
	}
	// An empty prompt is valid: generation starts from BOS.
	if s, err := Defaults().Apply(url.Values{KeyPrompt: {""}}, cfg); err != nil || s.Prompt != "" {
		t.Errorf("empty prompt: %v", err)
	}
}

func TestFits(t *testing.T) {
	if err := Fits("small.gguf", 1<<20, WasmMemoryLimit); err != nil {
		t.Error(err)
	}
	err := Fits("big.gguf", 1<<30, WasmMemoryLimit)
	if err == nil || !strings.Contains(err.Error(), "3072.0 MiB") || !strings.Contains(err.Error(), "2048.0 MiB") {
		t.Errorf("1 GiB file: %v", err)
	}
	if err := FitsParsed("m", 300<<20, 400<<20, 256<<20, WasmMemoryLimit); err == nil || !strings.Contains(err.Error(), "256.0 MiB") {
		t.Errorf("tensor over the buffer limit: %v", err)
	}
	if err := FitsParsed("m", 300<<20, 400<<20, 0, WasmMemoryLimit); err != nil {
		t.Errorf("CPU path: %v", err)
	}
}

// Package textplay is the text page's logic that needs no browser: its
// settings and their share-link encoding, and the up-front check that a
// model file fits the device. It builds natively so its tests run with
// `go test`; wasm/text_*.go binds it to the page. The sampling ranges are
// models/text's (SamplerConfig.Validate), so the page and `genplay
// generate` refuse the same values with the same words.
package textplay

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/genplay/genplay/models/text"
)

// Settings are everything that determines the generated text, plus the
// attention layer and head the heatmap shows. They are what the page's
// controls show and what a share link carries.
type Settings struct {
	Model   string // manifest id or alias; "" picks the manifest's first text model
	Prompt  string
	Tokens  int // the most tokens to generate
	Sampler text.SamplerConfig
	Layer   int // attention heatmap layer (0-based)
	Head    int // attention heatmap head (0-based)
}

// MaxTokens bounds the token count of one run; the model's context is the
// other bound (the prompt is truncated to leave room).
const MaxTokens = 1024

// Field names, shared by the query string, the form controls (ids f-KEY)
// and the postMessage API's settings objects. They follow the CLI's flags.
const (
	KeyModel       = "model"
	KeyPrompt      = "prompt"
	KeyTokens      = "n"
	KeySeed        = "seed"
	KeyTemperature = "temperature"
	KeyTopK        = "top_k"
	KeyTopP        = "top_p"
	KeyPenalty     = "repeat_penalty"
	KeyGreedy      = "greedy"
	KeyLayer       = "layer"
	KeyHead        = "head"
)

// Keys lists every settings field, in form order.
var Keys = []string{KeyModel, KeyPrompt, KeyTokens, KeySeed, KeyTemperature, KeyTopK, KeyTopP, KeyPenalty, KeyGreedy, KeyLayer, KeyHead}

// Defaults are the CLI's defaults (text.DefaultSampler, 32 tokens).
func Defaults() Settings {
	return Settings{Prompt: "", Tokens: 32, Sampler: text.DefaultSampler}
}

// Apply returns s with the fields present in form replaced by their
// parsed values. Every bad field is reported with its valid range; on any
// error s is returned unchanged, so bad input never replaces valid
// settings. cfg (nil before a model is loaded) bounds top-k, the layer and
// the head.
func (s Settings) Apply(form url.Values, cfg *text.Config) (Settings, error) {
	out := s
	var errs []error
	has := func(k string) (string, bool) {
		v, ok := form[k]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	integer := func(k string, dst *int, lo, hi int, what string) {
		v, ok := has(k)
		if !ok {
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			errs = append(errs, fmt.Errorf("%s %q is out of range [%d, %d]", what, v, lo, hi))
			return
		}
		*dst = n
	}
	float := func(k string, dst *float32, what string) {
		v, ok := has(k)
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(v, 32)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q is not a number", what, v))
			return
		}
		*dst = float32(f)
	}
	if v, ok := has(KeyModel); ok {
		out.Model = v
	}
	if v, ok := form[KeyPrompt]; ok && len(v) > 0 {
		out.Prompt = v[0]
	}
	integer(KeyTokens, &out.Tokens, 1, MaxTokens, "tokens")
	if v, ok := has(KeySeed); ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("seed %q is out of range [0, %d]", v, uint64(1<<64-1)))
		} else {
			out.Sampler.Seed = n
		}
	}
	float(KeyTemperature, &out.Sampler.Temperature, "temperature")
	vocab, layers, heads := 1<<30, 1<<10, 1<<10
	if cfg != nil {
		vocab, layers, heads = cfg.VocabSize, cfg.Layers, cfg.Heads
	}
	integer(KeyTopK, &out.Sampler.TopK, 0, vocab, "top-k (0 = all)")
	float(KeyTopP, &out.Sampler.TopP, "top-p")
	float(KeyPenalty, &out.Sampler.RepetitionPenalty, "repetition penalty")
	if v, ok := has(KeyGreedy); ok {
		switch v {
		case "1", "true", "on":
			out.Sampler.Greedy = true
		case "0", "false", "off", "":
			out.Sampler.Greedy = false
		default:
			errs = append(errs, fmt.Errorf("greedy %q must be 1 or 0", v))
		}
	}
	integer(KeyLayer, &out.Layer, 0, layers-1, "layer")
	integer(KeyHead, &out.Head, 0, heads-1, "head")
	if len(errs) == 0 {
		if err := out.Sampler.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return s, errors.Join(errs...)
	}
	return out, nil
}

// Query encodes s as share-link parameters; Defaults().Apply(s.Query(), cfg)
// gives s back.
func (s Settings) Query() url.Values {
	f := func(x float32) string { return strconv.FormatFloat(float64(x), 'g', -1, 32) }
	v := url.Values{}
	if s.Model != "" {
		v.Set(KeyModel, s.Model)
	}
	v.Set(KeyPrompt, s.Prompt)
	v.Set(KeyTokens, strconv.Itoa(s.Tokens))
	v.Set(KeySeed, strconv.FormatUint(s.Sampler.Seed, 10))
	v.Set(KeyTemperature, f(s.Sampler.Temperature))
	v.Set(KeyTopK, strconv.Itoa(s.Sampler.TopK))
	v.Set(KeyTopP, f(s.Sampler.TopP))
	v.Set(KeyPenalty, f(s.Sampler.RepetitionPenalty))
	if s.Sampler.Greedy {
		v.Set(KeyGreedy, "1")
	}
	v.Set(KeyLayer, strconv.Itoa(s.Layer))
	v.Set(KeyHead, strconv.Itoa(s.Head))
	return v
}

// Package playground is the browser app's logic that needs no browser: the
// settings and their share-link encoding, the generation run with pause,
// step and branch, the frame history for scrubbing, and PNG/GIF export. It
// builds natively so its tests run with `go test`; wasm/ binds it to the
// page. Every check and every number comes from models/diffusion, so the
// page and `genplay generate` agree on what is valid and on the image a
// seed gives.
package playground

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/genplay/genplay/models/diffusion"
)

// Settings are everything that determines an image. They are what the page's
// controls show and what a share link carries.
type Settings struct {
	Model    string  // manifest id or alias; "" picks the manifest's first diffusion model
	Class    string  // class name as typed ("sneaker"); checked against the model's names
	Seed     uint64  // noise seed
	Steps    int     // sampling steps
	Sampler  string  // one of diffusion.SamplerNames()
	Guidance float64 // classifier-free guidance weight

	// Branch, when set, continues this run from the x_t recorded after
	// step Branch.At with other settings: the image a share link of a
	// branched run names.
	Branch *Branch
}

// Branch re-runs the steps after At (0-based: the frame after step At+1 is
// kept) with a new seed, guidance and sampler. The step count is the base
// run's, so the remaining timesteps are the same.
type Branch struct {
	At       int
	Seed     uint64
	Sampler  string
	Guidance float64
}

// Defaults are what a page without query parameters shows.
func Defaults() Settings {
	return Settings{Class: "sneaker", Seed: 42, Steps: 20, Sampler: diffusion.DDIM, Guidance: 3}
}

// MaxSteps bounds the step count before a model (whose TrainTimesteps is the
// real bound) is loaded.
const MaxSteps = 1000

// Field names, shared by the query string, the form controls' names and
// the embed API's messages.
const (
	KeyModel     = "model"
	KeyClass     = "class"
	KeySeed      = "seed"
	KeySteps     = "steps"
	KeySampler   = "sampler"
	KeyGuidance  = "guidance"
	KeyBranchAt  = "branch"
	KeyBSeed     = "bseed"
	KeyBSampler  = "bsampler"
	KeyBGuidance = "bguidance"
)

// Apply returns s with the fields present in form replaced by their parsed
// values. Each bad field is reported with diffusion's message (what is
// allowed); on any error the returned settings are s unchanged, so bad
// input never replaces valid settings. cfg (the loaded model's config, or
// nil before one is loaded) checks the class and the step bound.
func (s Settings) Apply(form url.Values, cfg *diffusion.Config) (Settings, error) {
	out := s
	var errs []error
	bad := func(err error) { errs = append(errs, err) }
	maxSteps := MaxSteps
	if cfg != nil {
		maxSteps = cfg.TrainTimesteps
	}
	if v, ok := field(form, KeyModel); ok {
		out.Model = v
	}
	if v, ok := field(form, KeyClass); ok {
		out.Class = v
	}
	if v, ok := field(form, KeySeed); ok {
		n, err := diffusion.ParseSeed(v)
		if err != nil {
			bad(err)
		}
		out.Seed = n
	}
	if v, ok := field(form, KeySteps); ok {
		n, err := diffusion.ParseSteps(v, maxSteps)
		if err != nil {
			bad(err)
		}
		out.Steps = n
	}
	if v, ok := field(form, KeySampler); ok {
		name, err := diffusion.ParseSampler(v)
		if err != nil {
			bad(err)
		}
		out.Sampler = name
	}
	if v, ok := field(form, KeyGuidance); ok {
		w, err := diffusion.ParseGuidance(v)
		if err != nil {
			bad(err)
		}
		out.Guidance = w
	}
	if cfg != nil {
		if _, err := diffusion.ParseClass(cfg, out.Class); err != nil {
			bad(err)
		}
	}
	if b, err := parseBranch(form, out); err != nil {
		bad(err)
	} else if _, ok := form[KeyBranchAt]; ok {
		out.Branch = b
	}
	if len(errs) > 0 {
		return s, errors.Join(errs...)
	}
	return out, nil
}

// parseBranch reads the branch fields: absent or empty "branch" means none.
func parseBranch(form url.Values, s Settings) (*Branch, error) {
	at, ok := field(form, KeyBranchAt)
	if !ok || at == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(at)
	// The link counts steps from 1, as the page's timeline does.
	if err != nil || n < 1 || n >= s.Steps {
		return nil, fmt.Errorf("branch %q must be a step from 1 to %d (the last step has nothing left to re-run)", at, s.Steps-1)
	}
	b := &Branch{At: n - 1, Seed: s.Seed, Sampler: s.Sampler, Guidance: s.Guidance}
	var errs []error
	if v, ok := field(form, KeyBSeed); ok {
		if b.Seed, err = diffusion.ParseSeed(v); err != nil {
			errs = append(errs, fmt.Errorf("branch: %w", err))
		}
	}
	if v, ok := field(form, KeyBSampler); ok {
		if b.Sampler, err = diffusion.ParseSampler(v); err != nil {
			errs = append(errs, fmt.Errorf("branch: %w", err))
		}
	}
	if v, ok := field(form, KeyBGuidance); ok {
		if b.Guidance, err = diffusion.ParseGuidance(v); err != nil {
			errs = append(errs, fmt.Errorf("branch: %w", err))
		}
	}
	return b, errors.Join(errs...)
}

// field returns the first value of key and whether it was given.
func field(form url.Values, key string) (string, bool) {
	v, ok := form[key]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// Query encodes s as share-link parameters; Defaults().Apply(s.Query(), cfg)
// gives s back.
func (s Settings) Query() url.Values {
	q := url.Values{}
	if s.Model != "" {
		q.Set(KeyModel, s.Model)
	}
	q.Set(KeyClass, s.Class)
	q.Set(KeySeed, strconv.FormatUint(s.Seed, 10))
	q.Set(KeySteps, strconv.Itoa(s.Steps))
	q.Set(KeySampler, s.Sampler)
	q.Set(KeyGuidance, formatFloat(s.Guidance))
	if b := s.Branch; b != nil {
		q.Set(KeyBranchAt, strconv.Itoa(b.At+1))
		q.Set(KeyBSeed, strconv.FormatUint(b.Seed, 10))
		q.Set(KeyBSampler, b.Sampler)
		q.Set(KeyBGuidance, formatFloat(b.Guidance))
	}
	return q
}

// formatFloat writes the shortest text that parses back to w.
func formatFloat(w float64) string { return strconv.FormatFloat(w, 'g', -1, 64) }

// Options resolves s against the loaded model: the base run's options.
func (s Settings) Options(cfg *diffusion.Config) (diffusion.Options, error) {
	class, err := diffusion.ParseClass(cfg, s.Class)
	if err != nil {
		return diffusion.Options{}, err
	}
	o := diffusion.Options{Class: class, Guidance: s.Guidance, Sampler: s.Sampler, Steps: s.Steps, Seed: s.Seed}
	return o, o.Validate(cfg)
}

// BranchOptions are the options of the branch's re-run (the base's class
// and step count with the branch's seed, sampler and guidance).
func (s Settings) BranchOptions(cfg *diffusion.Config) (diffusion.Options, error) {
	o, err := s.Options(cfg)
	if err != nil || s.Branch == nil {
		return o, err
	}
	o.Seed, o.Sampler, o.Guidance = s.Branch.Seed, s.Branch.Sampler, s.Branch.Guidance
	return o, o.Validate(cfg)
}

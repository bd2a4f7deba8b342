package diffusion

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/genplay/genplay/weights"
)

// Arch is the GGUF general.architecture of a genplay UNet.
const Arch = "genplay-unet"

// Config is the UNet's shape and schedule, read from the GGUF metadata keys
// "genplay-unet.<name>" (export.py writes every value as a string, since
// safetensors metadata is strings; typed GGUF values are accepted too).
type Config struct {
	SampleSize       int     // sample_size: image side (32)
	InChannels       int     // in_channels
	OutChannels      int     // out_channels
	BlockOutChannels []int   // block_out_channels: "32,64,64"
	LayersPerBlock   int     // layers_per_block
	NormGroups       int     // norm_num_groups
	NormEps          float32 // norm_eps
	AttnHeadDim      int     // attention_head_dim: mid attention heads = channels / head dim (at least 1)
	TembDim          int     // temb_dim: 4 * block_out_channels[0]
	NumClasses       int     // num_classes; class index NumClasses is the null class
	ClassNames       []string

	TrainTimesteps int     // num_train_timesteps (1000)
	BetaStart      float64 // beta_start (linear schedule)
	BetaEnd        float64 // beta_end
}

// Heads is the number of attention heads in the mid block.
func (c *Config) Heads() int {
	ch := c.BlockOutChannels[len(c.BlockOutChannels)-1]
	return max(1, ch/c.AttnHeadDim)
}

// NullClass is the class index of the unconditional embedding.
func (c *Config) NullClass() int { return c.NumClasses }

// ConfigFromMetadata reads and checks the UNet config. Every missing key or
// unsupported value is reported (the first one found).
func ConfigFromMetadata(m *weights.Metadata) (*Config, error) {
	r := metaReader{m: m}
	c := &Config{
		SampleSize:     r.int("sample_size"),
		InChannels:     r.int("in_channels"),
		OutChannels:    r.int("out_channels"),
		LayersPerBlock: r.int("layers_per_block"),
		NormGroups:     r.int("norm_num_groups"),
		NormEps:        float32(r.float("norm_eps")),
		AttnHeadDim:    r.int("attention_head_dim"),
		TembDim:        r.int("temb_dim"),
		NumClasses:     r.int("num_classes"),
		TrainTimesteps: r.int("num_train_timesteps"),
		BetaStart:      r.float("beta_start"),
		BetaEnd:        r.float("beta_end"),
	}
	c.BlockOutChannels = r.ints("block_out_channels")
	if list, err := m.GetStrings(Arch + ".class_names"); err == nil {
		c.ClassNames = list // a GGUF string array
	} else if names := r.str("class_names"); r.err == nil {
		if err := json.Unmarshal([]byte(names), &c.ClassNames); err != nil {
			r.err = fmt.Errorf("%s.class_names: not a JSON list of strings: %v", Arch, err)
		}
	}
	// Fixed choices of this architecture: refuse files that want another.
	for _, kv := range [][2]string{
		{"flip_sin_to_cos", "true"}, {"freq_shift", "0"}, {"prediction_type", "epsilon"},
		{"beta_schedule", "linear"}, {"timestep_spacing", "trailing"},
	} {
		key, want := kv[0], kv[1]
		if got := r.optional(key); got != "" && got != want && !(key == "freq_shift" && isZero(got)) {
			r.fail(fmt.Errorf("%s.%s is %q; genplay supports only %q", Arch, key, got, want))
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return c, c.check()
}

func isZero(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f == 0
}

func (c *Config) check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s config: "+format, append([]any{Arch}, a...)...)
	}
	switch {
	case c.SampleSize < 4 || c.SampleSize > 1024:
		return bad("sample_size %d out of range", c.SampleSize)
	case c.InChannels < 1 || c.OutChannels != c.InChannels:
		return bad("in_channels %d and out_channels %d must be equal and positive", c.InChannels, c.OutChannels)
	case len(c.BlockOutChannels) == 0 || len(c.BlockOutChannels) > 6:
		return bad("block_out_channels %v: want 1 to 6 levels", c.BlockOutChannels)
	case c.LayersPerBlock < 1 || c.LayersPerBlock > 8:
		return bad("layers_per_block %d out of range", c.LayersPerBlock)
	case c.NormGroups < 1 || c.AttnHeadDim < 1 || c.NumClasses < 1:
		return bad("norm_num_groups, attention_head_dim and num_classes must be positive")
	case len(c.ClassNames) != c.NumClasses:
		return bad("%d class names for %d classes", len(c.ClassNames), c.NumClasses)
	case c.TembDim != 4*c.BlockOutChannels[0]:
		return bad("temb_dim %d, want 4*block_out_channels[0] = %d", c.TembDim, 4*c.BlockOutChannels[0])
	case c.BlockOutChannels[0]%2 != 0:
		return bad("block_out_channels[0] %d must be even (sinusoidal embedding)", c.BlockOutChannels[0])
	case c.TrainTimesteps < 1 || c.TrainTimesteps > 100000:
		return bad("num_train_timesteps %d out of range", c.TrainTimesteps)
	case !(c.BetaStart > 0 && c.BetaEnd >= c.BetaStart && c.BetaEnd < 1):
		return bad("beta_start %v, beta_end %v: want 0 < start <= end < 1", c.BetaStart, c.BetaEnd)
	}
	if c.SampleSize%(1<<(len(c.BlockOutChannels)-1)) != 0 {
		return bad("sample_size %d is not divisible by 2^%d", c.SampleSize, len(c.BlockOutChannels)-1)
	}
	for _, ch := range c.BlockOutChannels {
		if ch < 1 || ch%c.NormGroups != 0 {
			return bad("block channels %d not a positive multiple of norm_num_groups %d", ch, c.NormGroups)
		}
	}
	if last := c.BlockOutChannels[len(c.BlockOutChannels)-1]; last%c.Heads() != 0 {
		return bad("mid channels %d not divisible by %d heads", last, c.Heads())
	}
	return nil
}

// metaReader reads "genplay-unet.<key>" values that may be stored as strings
// or as GGUF numbers, keeping the first error.
type metaReader struct {
	m   *weights.Metadata
	err error
}

func (r *metaReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// optional returns the value as a string, or "" when the key is absent.
func (r *metaReader) optional(key string) string {
	v, ok := r.m.Get(Arch + "." + key)
	if !ok {
		return ""
	}
	switch x := v.V.(type) {
	case string:
		return strings.TrimSpace(x)
	case bool:
		return strconv.FormatBool(x)
	default:
		return strings.Trim(fmt.Sprint(x), "[]")
	}
}

func (r *metaReader) str(key string) string {
	s := r.optional(key)
	if s == "" {
		r.fail(fmt.Errorf("metadata key %s.%s is missing (was the file made by train/export.py and 'genplay quantize'?)", Arch, key))
	}
	return s
}

func (r *metaReader) int(key string) int {
	s := r.str(key)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.fail(fmt.Errorf("metadata %s.%s = %q is not an integer", Arch, key, s))
	}
	return n
}

func (r *metaReader) float(key string) float64 {
	s := r.str(key)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		r.fail(fmt.Errorf("metadata %s.%s = %q is not a number", Arch, key, s))
	}
	return f
}

// ints reads "32,64,64" (or a GGUF integer array).
func (r *metaReader) ints(key string) []int {
	s := r.str(key)
	if s == "" {
		return nil
	}
	var out []int
	for _, f := range strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			r.fail(fmt.Errorf("metadata %s.%s = %q is not a list of integers", Arch, key, s))
			return nil
		}
		out = append(out, n)
	}
	return out
}

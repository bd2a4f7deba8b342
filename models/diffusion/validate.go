package diffusion

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// User input checks with the messages the CLI and the page show. Each
// message says what was wrong and what is allowed.

// MaxGuidance bounds the guidance weight: far above it the images are
// saturated noise, so a larger value is almost surely a typo.
const MaxGuidance = 50

// ClassSlugs returns the class names as users type them: lower case, spaces
// as dashes ("T-shirt/top" -> "t-shirt/top", "Ankle boot" -> "ankle-boot").
func ClassSlugs(c *Config) []string {
	out := make([]string, len(c.ClassNames))
	for i, n := range c.ClassNames {
		out[i] = strings.ReplaceAll(strings.ToLower(n), " ", "-")
	}
	return out
}

// ParseClass accepts a class name (any case; spaces, dashes and
// underscores alike; either side of a "/" name such as "t-shirt" or "top"),
// a class index, or "none"/"uncond" for the unconditional model. It returns
// the class index (NullClass() for unconditional).
func ParseClass(c *Config, s string) (int, error) {
	key := squash(s)
	if key == "" {
		return 0, fmt.Errorf("no class given; %s", classList(c))
	}
	if key == "none" || key == "uncond" || key == "unconditional" {
		return c.NullClass(), nil
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		if n < 0 || n >= c.NumClasses {
			return 0, fmt.Errorf("class %d out of range 0..%d; %s", n, c.NumClasses-1, classList(c))
		}
		return n, nil
	}
	for i, name := range c.ClassNames {
		if squash(name) == key {
			return i, nil
		}
		for _, part := range strings.Split(name, "/") {
			if squash(part) == key {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("unknown class %q; %s", s, classList(c))
}

func classList(c *Config) string {
	return "valid classes: " + strings.Join(ClassSlugs(c), ", ") + " (or an index 0.." +
		strconv.Itoa(c.NumClasses-1) + ", or none for unconditional)"
}

// squash lower-cases s and drops everything but letters and digits.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CheckSteps accepts 1..maxSteps sampling steps.
func CheckSteps(n, maxSteps int) error {
	if n < 1 || n > maxSteps {
		return fmt.Errorf("steps must be between 1 and %d, got %d", maxSteps, n)
	}
	return nil
}

// ParseSteps parses and checks a step count.
func ParseSteps(s string, maxSteps int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("steps %q is not a whole number; use 1 to %d", s, maxSteps)
	}
	return n, CheckSteps(n, maxSteps)
}

// ParseSeed accepts a whole number from 0 to 2⁶⁴−1.
func ParseSeed(s string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("seed %q is not a number; use a whole number from 0 to %d", s, uint64(math.MaxUint64))
	}
	return n, nil
}

// CheckGuidance accepts a finite weight in [0, MaxGuidance]. 0 is the
// unconditional model, 1 the conditional one without guidance.
func CheckGuidance(w float64) error {
	if math.IsNaN(w) || w < 0 || w > MaxGuidance {
		return fmt.Errorf("guidance must be between 0 and %d (0 = unconditional, 1 = no guidance, 3 is typical), got %v", MaxGuidance, w)
	}
	return nil
}

// ParseGuidance parses and checks a guidance weight.
func ParseGuidance(s string) (float64, error) {
	w, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("guidance %q is not a number; use 0 to %d (3 is typical)", s, MaxGuidance)
	}
	return w, CheckGuidance(w)
}

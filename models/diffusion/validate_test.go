package diffusion

import (
	"strings"
	"testing"
)

func fashionConfig() *Config {
	return &Config{NumClasses: 10, ClassNames: []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
		"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}, TrainTimesteps: 1000}
}

func TestParseClass(t *testing.T) {
	c := fashionConfig()
	for in, want := range map[string]int{"sneaker": 7, "Sneaker": 7, "t-shirt": 0, "top": 0, "T-shirt/top": 0,
		"shirt": 6, "ankle boot": 9, "ankle-boot": 9, "ANKLE_BOOT": 9, "3": 3, "none": 10} {
		if got, err := ParseClass(c, in); err != nil || got != want {
			t.Errorf("ParseClass(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"cat", "", "10", "-1"} {
		_, err := ParseClass(c, in)
		if err == nil {
			t.Errorf("ParseClass(%q) accepted", in)
			continue
		}
		if !strings.Contains(err.Error(), "t-shirt/top, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle-boot") {
			t.Errorf("ParseClass(%q) error %q does not list the classes", in, err)
		}
	}
}

func TestInputMessages(t *testing.T) {
	c := fashionConfig()
	expect := func(err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want one containing %q", err, want)
		}
	}
	_, err := ParseSteps("0", 1000)
	expect(err, "steps must be between 1 and 1000, got 0")
	_, err = ParseSteps("1001", 1000)
	expect(err, "got 1001")
	_, err = ParseSteps("many", 1000)
	expect(err, `steps "many" is not a whole number`)
	_, err = ParseSeed("abc")
	expect(err, `seed "abc" is not a number`)
	_, err = ParseSeed("-1")
	expect(err, "is not a number")
	if s, err := ParseSeed("18446744073709551615"); err != nil || s != 1<<64-1 {
		t.Errorf("ParseSeed(max) = %d, %v", s, err)
	}
	_, err = ParseGuidance("-1")
	expect(err, "guidance must be between 0 and 50")
	_, err = ParseGuidance("NaN")
	expect(err, "guidance must be")
	_, err = ParseGuidance("x")
	expect(err, `guidance "x" is not a number`)
	o := Options{Class: 7, Guidance: 3, Sampler: "plms", Steps: 50}
	expect(o.Validate(c), "unknown sampler \"plms\"; choose one of: ddpm, ddim, euler_a, dpmpp_2m")
	o.Sampler, o.Steps = "ddim", 0
	expect(o.Validate(c), "steps must be between 1 and 1000")
	o.Steps, o.Class = 50, 11
	expect(o.Validate(c), "valid classes:")
	o.Class = 10
	if err := o.Validate(c); err != nil {
		t.Errorf("unconditional options rejected: %v", err)
	}
}

package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestBenchModel(t *testing.T) {
	// Paths, not manifest names: the manifest's size and hash check is
	// generate's to test, and a model being retrained must not fail this.
	for _, c := range []struct {
		args []string
		want string // a regular expression the output must match
	}{
		{[]string{"--model", "../../weights/fashion-q8_0.gguf.zst", "-samples", "1", "-threads", "1"}, `UNet step \(batch 2\): median [0-9.]+ ms`},
		{[]string{"--model", "../../weights/fortunes-q8_0.gguf.zst", "-samples", "1", "-prompt-tokens", "4", "-decode-tokens", "2", "-unfused"},
			`(?s)fused ops off.*prefill 4 tokens: .* tokens/s.*decode 2 tokens: .* tokens/s`},
		{[]string{"--model", "../../weights/fortunes-q8_0.gguf.zst", "-samples", "1", "-prompt-tokens", "4", "-decode-tokens", "2", "-compare"},
			`(?s)unfused prefill 4 tokens: .*unfused decode 2 tokens: .*fused   prefill 4 tokens: .*fused   decode 2 tokens: .*fused/unfused time: prefill [0-9.]+, decode [0-9.]+`},
	} {
		out, err := captureStdout(t, func() error { return runBench(c.args) })
		if err != nil {
			t.Fatalf("bench %s: %v", strings.Join(c.args, " "), err)
		}
		if !regexp.MustCompile(c.want).MatchString(out) {
			t.Errorf("bench %s printed\n%s\nwant a match for %s", strings.Join(c.args, " "), out, c.want)
		}
	}
	if err := runBench([]string{"--model", "nonesuch"}); err == nil || !strings.Contains(err.Error(), "fashion") {
		t.Errorf("an unknown model: %v, want an error listing the known ones", err)
	}
	if err := runBench([]string{"-samples", "0"}); err == nil {
		t.Errorf("-samples 0 was accepted")
	}
}

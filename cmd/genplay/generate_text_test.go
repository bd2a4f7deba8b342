package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

const testLlama = "../../models/text/testdata/llama.gguf"

// captureStdout runs fn with os.Stdout redirected and returns what it wrote.
func captureStdout(t *testing.T, fn func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	err = fn()
	w.Close()
	os.Stdout = old
	return <-done, err
}

func TestGenerateText(t *testing.T) {
	run := func(args ...string) (string, error) {
		return captureStdout(t, func() error { return runText(testLlama, args) })
	}
	a, err := run("--prompt", "Once upon", "--seed", "5", "-n", "20", "--threads", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a, "Once upon") || len(a) <= len("Once upon\n") {
		t.Errorf("output %q does not continue the prompt", a)
	}
	b, _ := run("--prompt", "Once upon", "--seed", "5", "-n", "20", "--threads", "1")
	if a != b {
		t.Errorf("same seed, different text:\n%q\n%q", a, b)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--temperature", "-1"}, "temperature -1 is out of range [0, 10]"},
		{[]string{"--top-p", "0"}, "top-p 0 is out of range (0, 1]"},
		{[]string{"--top-k", "100000"}, "--top-k 100000 is out of range [0, 336]"},
		{[]string{"-n", "0"}, "-n must be at least 1"},
		{[]string{"stray"}, `unexpected argument "stray"`},
	} {
		if _, err := run(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.args, err, tc.want)
		}
	}
}

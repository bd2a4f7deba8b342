package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/models/text"
	"github.com/genplay/genplay/weights"
)

// Text generation: `genplay generate --model X.gguf --prompt "..."` for the
// GPT-2 and Llama architectures, streaming the continuation to stdout.

func init() {
	for _, arch := range text.Architectures {
		registerGenerator(arch, runText)
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func runText(path string, args []string) error {
	s := text.DefaultSampler
	var (
		prompt  string
		n       int
		threads int
		stops   stringList
		temp    = float64(s.Temperature)
		topP    = float64(s.TopP)
		penalty = float64(s.RepetitionPenalty)
	)
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.StringVar(&prompt, "prompt", "", "text to continue (empty: start from the beginning-of-sequence token)")
	fs.IntVar(&n, "n", 200, "the most tokens to generate")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "sampling seed (the same seed, model and prompt give the same text)")
	fs.Float64Var(&temp, "temperature", temp, "sampling temperature, 0 to 10 (0 = greedy)")
	fs.IntVar(&s.TopK, "top-k", s.TopK, "sample from the K most likely tokens (0 = all)")
	fs.Float64Var(&topP, "top-p", topP, "sample from the smallest set of tokens whose probability reaches P, in (0, 1]")
	fs.Float64Var(&penalty, "repeat-penalty", penalty, "penalty for tokens among the last 64, 1 (off) to 10")
	fs.BoolVar(&s.Greedy, "greedy", false, "always take the most likely token")
	fs.Var(&stops, "stop", "stop when this text appears (repeatable)")
	fs.IntVar(&threads, "threads", runtime.NumCPU(), "CPU threads")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: genplay generate --model MODEL --prompt TEXT [flags]\n\n"+
			"Continues a prompt with a %s model on the CPU, streaming to stdout.\n\nflags:\n", strings.Join(text.Architectures, " or "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags start with -; quote the prompt)", fs.Arg(0))
	}
	if n < 1 {
		return fmt.Errorf("-n must be at least 1, got %d", n)
	}
	if threads < 1 {
		return fmt.Errorf("--threads must be at least 1, got %d", threads)
	}
	s.Temperature, s.TopP, s.RepetitionPenalty = float32(temp), float32(topP), float32(penalty)
	if err := s.Validate(); err != nil { // before the (slower) load
		return err
	}

	f, err := weights.OpenFile(path)
	if err != nil {
		return fmt.Errorf("loading the model: %w", err)
	}
	m, err := text.Load(kernels.NewCPU(threads), f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer m.Close()
	if s.TopK > m.Config.VocabSize {
		return fmt.Errorf("--top-k %d is out of range [0, %d] (the vocabulary size; 0 = all)", s.TopK, m.Config.VocabSize)
	}

	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	out.WriteString(prompt)
	opts := text.GenerateOptions{
		MaxTokens: n,
		Stop:      stops,
		Sampler:   s,
		Notice:    func(msg string) { fmt.Fprintf(os.Stderr, "genplay generate: %s\n", msg) },
	}
	start := time.Now()
	res, err := m.Generate(prompt, opts, func(b []byte) error {
		if _, err := out.Write(b); err != nil {
			return err
		}
		return out.Flush() // stream token by token
	})
	out.WriteString("\n")
	if err == nil {
		// On stderr, so stdout stays exactly the text.
		fmt.Fprintf(os.Stderr, "genplay generate: %d prompt + %d generated tokens, stopped by %s, %.1f tokens/s\n",
			len(res.PromptTokens), len(res.Tokens), res.StopReason, float64(len(res.Tokens))/time.Since(start).Seconds())
	}
	return err
}

package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"text/tabwriter"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/selftest"
)

func init() {
	register("bench", "time the CPU kernels (a throughput table) or a default model end to end (--model)", runBench)
}

// runBench times every case of selftest.BenchCases on the CPU backend: the
// same cases, with the same FLOP and byte counts, that the WebGPU bench uses,
// so the two tables compare line by line.
func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	threads := fs.Int("threads", 0, "goroutines per op (0: GOMAXPROCS)")
	filter := fs.String("filter", "", "only cases whose \"op shape\" matches this regular expression")
	samples := fs.Int("samples", 7, "timed samples per case (with --model: timed UNet steps, or prefill+decode runs); the median is reported")
	model := fs.String("model", "", "time this model end to end instead: a manifest id or alias (fashion, fortunes) or a .gguf path")
	prompt := fs.Int("prompt-tokens", 64, "with a text --model: prompt tokens per prefill")
	decode := fs.Int("decode-tokens", 32, "with a text --model: tokens decoded after each prefill")
	unfused := fs.Bool("unfused", false, "with --model: run without the fused ops (GroupNormSiLU, AddChannels)")
	compare := fs.Bool("compare", false, "with --model: alternate UNet steps, or prefill+decode runs, without and with the fused ops")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *samples < 1 {
		return fmt.Errorf("-samples must be at least 1, got %d", *samples)
	}
	if *model != "" {
		return benchModel(*model, *threads, *samples, *prompt, *decode, *unfused, *compare)
	}
	re, err := regexp.Compile(*filter)
	if err != nil {
		return fmt.Errorf("-filter: %w", err)
	}
	var cases []selftest.Case
	for _, c := range selftest.BenchCases() {
		if re.MatchString(c.Op + " " + c.Shape) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return fmt.Errorf("no case matches -filter %q", *filter)
	}
	b := kernels.NewCPU(*threads)
	fmt.Printf("backend: %s (median of %d samples after a warm-up run)\n", b.Name(), *samples)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "op\tshape\tms\tGFLOP/s\tGB/s\t")
	for _, c := range cases {
		r := selftest.Bench(b, c, *samples)
		if r.Err != nil {
			fmt.Fprintf(w, "%s\t%s\terror: %v\t\t\t\n", c.Op, c.Shape, r.Err)
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%.3f\t%s\t%s\t\n", c.Op, c.Shape,
			float64(r.Time.Nanoseconds())/1e6, rate(r.GFLOPs), rate(r.GBs))
	}
	return w.Flush()
}

// rate formats a throughput, leaving it blank when the case counts none.
func rate(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

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
	register("bench", "time the CPU kernels and print a throughput table", runBench)
}

// runBench times every case of selftest.BenchCases on the CPU backend: the
// same cases, with the same FLOP and byte counts, that the WebGPU bench uses,
// so the two tables compare line by line.
func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	threads := fs.Int("threads", 0, "goroutines per op (0: GOMAXPROCS)")
	filter := fs.String("filter", "", "only cases whose \"op shape\" matches this regular expression")
	samples := fs.Int("samples", 7, "timed samples per case; the median is reported")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
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

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/genplay/genplay/models/text"
	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

// `genplay quantize --llama2c MODEL.bin --tokenizer TOKENIZER.bin OUT.gguf[.zst] [--type q8_0]`
// converts a llama2.c checkpoint (legacy format) and its tokenizer.bin into a
// llama GGUF. runQuantize hands its arguments here first:
//
//	if handled, err := quantizeLlama2C(os.Stdout, args); handled {
//		return err
//	}

// quantizeLlama2C runs the llama2.c import when args hold --llama2c, and
// reports whether they did.
func quantizeLlama2C(w io.Writer, args []string) (handled bool, err error) {
	if !hasFlag(args, "llama2c") {
		return false, nil
	}
	fs := flag.NewFlagSet("quantize", flag.ContinueOnError)
	model := fs.String("llama2c", "", "llama2.c checkpoint `file` (legacy format, as run.c reads)")
	tokenizer := fs.String("tokenizer", "", "the checkpoint's tokenizer.bin `file`")
	typ := fs.String("type", "q8_0", "storage type for weight matrices: q8_0, q4_0, f16 or f32")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: genplay quantize --llama2c MODEL.bin --tokenizer TOKENIZER.bin OUT.gguf[.zst] [--type q8_0]\n\nflags:\n")
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return true, err
	}
	if len(pos) != 1 || *model == "" || *tokenizer == "" {
		fs.Usage()
		return true, errors.New("want --llama2c MODEL.bin, --tokenizer TOKENIZER.bin and one output path")
	}
	dt, ok := quantTypes[strings.ToLower(*typ)]
	if !ok || dt == quant.BF16 {
		return true, fmt.Errorf("unknown --type %q (want q8_0, q4_0, f16 or f32)", *typ)
	}
	mf, err := os.Open(*model)
	if err != nil {
		return true, err
	}
	defer mf.Close()
	tf, err := os.Open(*tokenizer)
	if err != nil {
		return true, err
	}
	defer tf.Close()
	f, err := text.ImportLlama2C(mf, tf)
	if err != nil {
		return true, fmt.Errorf("%s: %w", *model, err)
	}
	var params int64
	for i := range f.Tensors {
		t := &f.Tensors[i]
		params += t.NumElements()
		tdt, _ := chooseDType(dt, t.Shape)
		if tdt == quant.F32 {
			continue
		}
		x, err := t.Float32()
		if err != nil {
			return true, err
		}
		if t.Data, err = quant.Quantize(tdt, x); err != nil {
			return true, fmt.Errorf("tensor %s: %w", t.Name, err)
		}
		t.DType = tdt
	}
	if err := weights.WriteFile(pos[0], f); err != nil {
		return true, err
	}
	c, _ := text.ReadConfig(f)
	fmt.Fprintf(w, "wrote %s: llama, %d layers, dim %d, %d heads (%d kv), vocab %d, context %d; %d parameters, matrices %v\n",
		pos[0], c.Layers, c.Dim, c.Heads, c.KVHeads, c.VocabSize, c.ContextLength, params, dt)
	return true, nil
}

// hasFlag reports whether args hold -name or --name (with or without =value)
// before any "--".
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && n == name {
			return true
		}
	}
	return false
}

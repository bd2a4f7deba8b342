package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/genplay/genplay/weights"
)

func init() {
	register("info", "show a GGUF file's metadata and tensors (.gguf or .gguf.zst)", runInfo)
}

// Arrays longer than this are summarized; strings longer than maxShown are cut.
const (
	maxListed = 8
	maxShown  = 96
)

func runInfo(args []string) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintf(fs.Output(), "usage: genplay info FILE.gguf[.zst]\n") }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("want one file, got %d arguments", fs.NArg())
	}
	return info(os.Stdout, fs.Arg(0))
}

func info(w io.Writer, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	compressed, err := isZstd(path)
	if err != nil {
		return err
	}
	f, err := weights.OpenFile(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	container := "GGUF"
	if compressed {
		container = "GGUF in zstd"
	}
	fmt.Fprintf(bw, "file:         %s (%d bytes, %s)\n", path, st.Size(), container)
	fmt.Fprintf(bw, "version:      %d\n", f.Version)
	fmt.Fprintf(bw, "architecture: %s\n", orDash(f.Architecture()))
	fmt.Fprintf(bw, "alignment:    %d\n", f.Alignment())

	fmt.Fprintf(bw, "\nmetadata (%d keys):\n", f.Metadata.Len())
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	for _, k := range f.Metadata.Keys() {
		v, _ := f.Metadata.Get(k)
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", k, typeName(v), describe(v))
	}
	tw.Flush()

	fmt.Fprintf(bw, "\ntensors (%d):\n", len(f.Tensors))
	tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  name\tdtype\tshape\tbytes\n")
	var params int64
	for _, t := range f.Tensors {
		fmt.Fprintf(tw, "  %s\t%v\t%v\t%d\n", t.Name, t.DType, t.Shape, len(t.Data))
		params += t.NumElements()
	}
	tw.Flush()
	fmt.Fprintf(bw, "\ntotal: %d tensors, %d parameters, %d bytes of tensor data\n", len(f.Tensors), params, f.TotalBytes())
	return bw.Flush()
}

func isZstd(path string) (bool, error) {
	fh, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer fh.Close()
	var head [4]byte
	n, _ := io.ReadFull(fh, head[:])
	return bytes.Equal(head[:n], []byte{0x28, 0xb5, 0x2f, 0xfd}), nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func typeName(v weights.Value) string {
	if v.Type == weights.TypeArray {
		return fmt.Sprintf("[%d]%v", v.Len(), v.Elem)
	}
	return v.Type.String()
}

// describe renders a value, summarizing long arrays by their first entries.
func describe(v weights.Value) string {
	if v.Type != weights.TypeArray {
		return scalar(v.V)
	}
	rv := reflect.ValueOf(v.V)
	n := rv.Len()
	parts := make([]string, 0, min(n, maxListed)+1)
	for i := 0; i < min(n, maxListed); i++ {
		e := rv.Index(i).Interface()
		if nested, ok := e.(weights.Value); ok {
			parts = append(parts, typeName(nested))
		} else {
			parts = append(parts, scalar(e))
		}
	}
	if n > maxListed {
		parts = append(parts, fmt.Sprintf("... %d more", n-maxListed))
	}
	return cut("[" + strings.Join(parts, ", ") + "]")
}

func scalar(x any) string {
	if s, ok := x.(string); ok {
		return cut(fmt.Sprintf("%q", s))
	}
	return fmt.Sprint(x)
}

func cut(s string) string {
	if len(s) <= maxShown {
		return s
	}
	end := maxShown
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + fmt.Sprintf("... (%d bytes)", len(s))
}

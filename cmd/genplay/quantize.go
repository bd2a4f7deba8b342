package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

func init() {
	register("quantize", "convert safetensors to GGUF (q8_0, q4_0, f16, f32; .zst compresses)", runQuantize)
}

// quantTypes maps --type names to storage types.
var quantTypes = map[string]quant.DType{
	"q8_0": quant.Q8_0, "q4_0": quant.Q4_0, "f16": quant.F16, "bf16": quant.BF16, "f32": quant.F32,
}

// metaFlags collects repeated --meta key[:type]=value flags.
type metaFlags []string

func (m *metaFlags) String() string     { return strings.Join(*m, ",") }
func (m *metaFlags) Set(s string) error { *m = append(*m, s); return nil }

type quantizeOptions struct {
	in, out string
	dtype   quant.DType
	arch    string
	meta    []string
}

func runQuantize(args []string) error {
	// A llama2.c checkpoint (--llama2c) has its own reader; see quantize_llama2c.go.
	if handled, err := quantizeLlama2C(os.Stdout, args); handled {
		return err
	}
	fs := flag.NewFlagSet("quantize", flag.ContinueOnError)
	typ := fs.String("type", "q8_0", "storage type for weight matrices: q8_0, q4_0, f16, bf16 or f32")
	arch := fs.String("arch", "", "general.architecture (default: the safetensors __metadata__ value, else \"unknown\")")
	var meta metaFlags
	fs.Var(&meta, "meta", "extra metadata `key[:type]=value`, repeatable; type is str (default), bool, u8..u64, i8..i64, f32 or f64")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: genplay quantize IN.safetensors OUT.gguf[.zst] [flags]\n\n"+
			"A tensor with 2 or more dims is stored as --type (for q8_0/q4_0 only when its\n"+
			"last dim is a multiple of 32); others stay F32.\n\nflags:\n")
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return fmt.Errorf("want IN.safetensors and OUT.gguf, got %d arguments", len(pos))
	}
	dt, ok := quantTypes[strings.ToLower(*typ)]
	if !ok {
		return fmt.Errorf("unknown --type %q (want q8_0, q4_0, f16, bf16 or f32)", *typ)
	}
	return quantize(os.Stdout, quantizeOptions{in: pos[0], out: pos[1], dtype: dt, arch: *arch, meta: meta})
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments (the flag package stops at the first positional).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // fs.Parse reports it
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return pos, fs.Parse(flags)
}

func quantize(w io.Writer, o quantizeOptions) error {
	st, err := weights.OpenSafetensors(o.in)
	if err != nil {
		return err
	}
	out := &weights.File{}
	arch := o.arch
	if arch == "" {
		arch = st.Metadata[weights.KeyArchitecture]
	}
	if arch == "" {
		arch = "unknown"
	}
	out.Metadata.Set(weights.KeyArchitecture, arch)
	keys := make([]string, 0, len(st.Metadata))
	for k := range st.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case weights.KeyArchitecture:
		case weights.KeyAlignment: // must be a uint32; a string would make an invalid file
			fmt.Fprintf(w, "skipping __metadata__ %s=%q (set it with --meta %s:u32=N)\n", k, st.Metadata[k], k)
		default:
			out.Metadata.Set(k, st.Metadata[k])
		}
	}
	for _, m := range o.meta {
		key, val, err := parseMeta(m)
		if err != nil {
			return err
		}
		out.Metadata.Set(key, val)
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tensor\tshape\tdtype\trmse\trel rmse\tnote")
	var inBytes, params int64
	var sumSq, sumErr float64
	for _, t := range st.Tensors {
		shape := t.Shape
		if len(shape) == 0 {
			shape = []int64{1} // GGUF has no 0-d tensors
		}
		if len(t.Data) == 0 {
			fmt.Fprintf(tw, "%s\t%v\t-\t-\t-\tskipped: no elements\n", t.Name, t.Shape)
			continue
		}
		if len(shape) > 4 {
			return fmt.Errorf("tensor %q has %d dims; GGUF allows at most 4", t.Name, len(shape))
		}
		dt, note := chooseDType(o.dtype, shape)
		raw, err := quant.Quantize(dt, t.Data)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		back, err := quant.Dequantize(dt, raw, len(t.Data))
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		e, ref := sqDiff(back, t.Data)
		sumSq += ref
		sumErr += e
		_, eb, _ := t.DType.BlockBytes()
		inBytes += int64(len(t.Data) * eb)
		params += int64(len(t.Data))
		out.Tensors = append(out.Tensors, weights.TensorInfo{Name: t.Name, Shape: shape, DType: dt, Data: raw})
		fmt.Fprintf(tw, "%s\t%v\t%v\t%.3g\t%s\t%s\n", t.Name, shape, dt,
			math.Sqrt(e/float64(len(t.Data))), relative(e, ref), note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := weights.WriteFile(o.out, out); err != nil {
		return err
	}
	st2, err := os.Stat(o.out)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d tensors, %d parameters, overall relative RMSE %s\n", len(out.Tensors), params, relative(sumErr, sumSq))
	fmt.Fprintf(w, "wrote %s: %d bytes (input tensor data %d bytes, ratio %.2f)\n",
		o.out, st2.Size(), inBytes, float64(st2.Size())/math.Max(1, float64(inBytes)))
	return nil
}

// chooseDType applies the storage rule: matrices (2+ dims) get the target
// type, block types only when rows hold whole blocks; the rest stays F32
// (norms and biases are small and precision-sensitive).
func chooseDType(target quant.DType, shape []int64) (quant.DType, string) {
	if target == quant.F32 {
		return quant.F32, ""
	}
	if len(shape) < 2 {
		return quant.F32, "kept F32: 1-D"
	}
	if n, _, _ := target.BlockBytes(); n > 1 && shape[len(shape)-1]%int64(n) != 0 {
		return quant.F32, fmt.Sprintf("kept F32: row %d not a multiple of %d", shape[len(shape)-1], n)
	}
	return target, ""
}

// sqDiff returns sum((a-b)^2) and sum(b^2).
func sqDiff(a, b []float32) (e, ref float64) {
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		e += d * d
		ref += float64(b[i]) * float64(b[i])
	}
	return e, ref
}

func relative(e, ref float64) string {
	if ref == 0 {
		if e == 0 {
			return "0"
		}
		return "inf"
	}
	return fmt.Sprintf("%.3g", math.Sqrt(e/ref))
}

// parseMeta parses key[:type]=value into a typed metadata value.
func parseMeta(s string) (string, any, error) {
	kt, val, ok := strings.Cut(s, "=")
	if !ok || kt == "" {
		return "", nil, fmt.Errorf("--meta %q: want key[:type]=value", s)
	}
	key, typ, _ := strings.Cut(kt, ":")
	bad := func(err error) (string, any, error) {
		return "", nil, fmt.Errorf("--meta %q: %w", s, err)
	}
	var v any
	var err error
	switch typ {
	case "", "str", "string":
		v = val
	case "bool":
		v, err = strconv.ParseBool(val)
	case "u8", "u16", "u32", "u64":
		bits, _ := strconv.Atoi(typ[1:])
		var u uint64
		u, err = strconv.ParseUint(val, 0, bits)
		v = map[string]any{"u8": uint8(u), "u16": uint16(u), "u32": uint32(u), "u64": u}[typ]
	case "i8", "i16", "i32", "i64":
		bits, _ := strconv.Atoi(typ[1:])
		var n int64
		n, err = strconv.ParseInt(val, 0, bits)
		v = map[string]any{"i8": int8(n), "i16": int16(n), "i32": int32(n), "i64": n}[typ]
	case "f32":
		var f float64
		f, err = strconv.ParseFloat(val, 32)
		v = float32(f)
	case "f64":
		v, err = strconv.ParseFloat(val, 64)
	default:
		err = errors.New("unknown type " + typ)
	}
	if err != nil {
		return bad(err)
	}
	return key, v, nil
}

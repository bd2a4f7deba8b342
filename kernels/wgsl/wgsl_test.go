package wgsl

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var bindingRE = regexp.MustCompile(`@group\(0\) @binding\((\d+)\) var<(\w+)`)

// templates lists every specialization the WebGPU backend makes of each
// template shader (kernels/webgpu matmul_js.go), up to tile sizes.
var templates = map[string][]Defs{
	"matmul_tiled": expand(Defs{"WG": "16", "TM": "4", "TN": "4", "TK": "16", "AT": "f32", "BT": "f32", "OT": "f32"},
		[]string{"B_T", "B_N", "Q8", "Q4", "CONV"}),
	"matvec": slices.Concat(
		expand(Defs{"AT": "vec4f", "LANES": "32", "WG": "256"}, []string{"", "AVEC", "Q8", "Q4"}),
		expand(Defs{"AT": "vec4f", "LANES": "32", "WG": "256", "SUBGROUPS": "1"}, []string{"", "AVEC", "Q8", "Q4"}),
		expand(Defs{"AT": "vec4f", "LANES": "32", "WG": "256", "DUAL": "1"}, []string{"", "AVEC", "Q8", "Q4"})),
	"matvec_rows": slices.Concat(
		expand(Defs{"AT": "vec4f", "WG": "16"}, []string{"", "AVEC", "Q8", "Q4"}),
		expand(Defs{"AT": "vec4f", "WG": "16", "DUAL": "1"}, []string{"", "AVEC", "Q8", "Q4"}),
		expand(Defs{"AT": "vec4f", "WG": "16", "NORM": "1"}, []string{"AVEC", "Q8", "Q4"}),
		expand(Defs{"AT": "vec4f", "WG": "16", "NORM": "1", "DUAL": "1"}, []string{"AVEC", "Q8", "Q4"})),
	"attention_tiled":  {{"D": "8"}, {"D": "64"}},
	"conv2d_rows":      {{}, {"K1": "1"}, {"S2": "1"}},
	"matmul_rows":      {{}, {"QUANT": "1", "Q8": "1"}, {"QUANT": "1", "Q4": "1"}},
	"attention_serial": {{"T": "f32", "W": "1"}, {"T": "vec4f", "W": "4", "VEC": "1"}},
	"rms_norm":         reduction,
	"layer_norm":       reduction,
	"group_norm":       reduction,
	"softmax":          reduction,
}

// reduction is the two variants of a shader that includes reduce.wgsli.
var reduction = []Defs{{"WG": "256"}, {"WG": "4"}}

// expand makes one Defs per kind, each with and without AVEC and OVEC.
func expand(base Defs, kinds []string) []Defs {
	var out []Defs
	for _, kind := range kinds {
		for _, vec := range []string{"", "AVEC", "OVEC"} {
			d := Defs{}
			for k, v := range base {
				d[k] = v
			}
			if kind != "" {
				d[kind] = "1"
			}
			if kind == "Q8" || kind == "Q4" {
				d["QUANT"], d["TK"] = "1", "32"
			}
			if vec != "" {
				d[vec] = "1"
			}
			out = append(out, d)
		}
	}
	return out
}

// TestConventions checks what the host code relies on: bindings numbered
// 0..n-1 in order, read-only inputs, then the read_write outputs, then the
// Params uniform last; an entry point named main. Templates are checked in
// every specialization the backend uses.
func TestConventions(t *testing.T) {
	names := Names()
	if len(names) < 20 {
		t.Fatalf("only %d shaders embedded: %v", len(names), names)
	}
	for _, name := range names {
		variants := []Defs{nil}
		if src := mustSource(t, name); strings.Contains(src, "#if") || strings.Contains(src, "{{") {
			variants = templates[name]
			if len(variants) == 0 {
				t.Errorf("%s is a template with no specializations listed in this test", name)
			}
		}
		for _, defs := range variants {
			src, err := Specialize(name, defs)
			if err != nil {
				t.Errorf("%s %v: %v", name, defs, err)
				continue
			}
			checkConventions(t, name, src)
		}
	}
	if _, err := Source("no_such_op"); err == nil {
		t.Error("Source of a missing shader succeeded")
	}
}

func mustSource(t *testing.T, name string) string {
	src, err := Source(name)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func checkConventions(t *testing.T, name, src string) {
	t.Helper()
	if !strings.Contains(src, "fn main(") {
		t.Errorf("%s: no entry point main", name)
	}
	m := bindingRE.FindAllStringSubmatch(src, -1)
	if len(m) < 2 {
		t.Errorf("%s: %d bindings", name, len(m))
		return
	}
	for i, b := range m {
		if n, _ := strconv.Atoi(b[1]); n != i {
			t.Errorf("%s: binding %d declared in position %d", name, n, i)
		}
	}
	if m[len(m)-1][2] != "uniform" {
		t.Errorf("%s: the last binding is not the Params uniform", name)
	}
	// Outputs (read_write) follow the inputs, the last just before the
	// uniform; split_qkv has three.
	out := strings.Count(src, "var<storage, read_write>")
	for i := len(m) - 1 - out; i < len(m)-1; i++ {
		if out == 0 || i < 0 || !strings.Contains(src, "@binding("+strconv.Itoa(i)+") var<storage, read_write>") {
			t.Errorf("%s: want read_write outputs after the inputs, just before the uniform", name)
			break
		}
	}
}

func TestSpecialize(t *testing.T) {
	src, err := Specialize("matvec_rows", Defs{"AT": "f32", "WG": "16"})
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"#if", "#else", "#endif", "#include", "{{", "qs[", "fn q8_block"} {
		if strings.Contains(src, gone) {
			t.Errorf("specialized matvec_rows still contains %q", gone)
		}
	}
	// The scalar f32 path, and epilogue.wgsli through matvec_io.wgsli (a
	// fragment's own #include).
	for _, want := range []string{"const WG = 16u;", "s += av * vec4f(w[wb.x + i]", "fn epilogue(", "fn finish("} {
		if !strings.Contains(src, want) {
			t.Errorf("specialized matvec_rows lacks %q:\n%s", want, src)
		}
	}
	if _, err := Specialize("matvec", Defs{"AT": "f32", "WG": "256"}); err == nil || !strings.Contains(err.Error(), "LANES") {
		t.Errorf("a missing placeholder value: err = %v, want one naming LANES", err)
	}
	if _, err := Specialize("add", nil); err != nil {
		t.Errorf("a plain shader: %v", err)
	}
}

func TestSpecializeDirectives(t *testing.T) {
	src := "a\n#if X\nx\n#if Y\nxy\n#else\nxn\n#endif\n#elif Z\nz\n#else\nnone\n#endif\nb {{V}}\n"
	for _, tc := range []struct {
		defs Defs
		want string
	}{
		{Defs{"V": "1"}, "a\nnone\nb 1\n"},
		{Defs{"V": "1", "X": "1"}, "a\nx\nxn\nb 1\n"},
		{Defs{"V": "1", "X": "1", "Y": "true"}, "a\nx\nxy\nb 1\n"},
		{Defs{"V": "1", "Z": "1", "Y": "1"}, "a\nz\nb 1\n"},
		{Defs{"V": "1", "X": "0", "Z": "1"}, "a\nz\nb 1\n"},
	} {
		got, err := specialize("t", src, tc.defs)
		if err != nil || got != tc.want {
			t.Errorf("%v: got %q, %v; want %q", tc.defs, got, err, tc.want)
		}
	}
	for _, bad := range []string{"#if X\n", "#endif\n", "#else\n", "#elif X\n"} {
		if _, err := specialize("t", bad, nil); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

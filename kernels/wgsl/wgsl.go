// Package wgsl holds genplay's WGSL compute shaders, one op per file
// (snake_case, with a dtype suffix where it matters: embedding_q8.wgsl).
//
// Conventions shared by every shader: bindings are the inputs, then the
// output, then one Params uniform of sizes and strides in elements; the
// entry point is main; an invocation past the end returns early; a 1-D
// kernel folds a 2-D grid of workgroups into one index (i = gid.x +
// gid.y * num_workgroups.x * 256) so the host can stay under 65535
// workgroups per dimension.
//
// Code shared by several shaders lives in a fragment, NAME.wgsli, and a
// shader pulls it in with a line "#include NAME" (WGSL has no includes;
// a fragment may include another).
//
// A few shaders are templates (matmul_tiled.wgsl): Specialize fills in
// {{NAME}} placeholders (tile sizes, element types) and keeps the lines
// between "#if NAME" / "#elif NAME" / "#else" / "#endif" whose condition
// holds, so one file covers the vec4 and scalar loads and the f32, Q8_0 and
// Q4_0 weights without copies of the shared tiling code.
package wgsl

import (
	"embed"
	"fmt"
	"strings"
)

// Defs are a template's parameters: a name defined with a non-empty value
// other than "0" or "false" is true for #if; every {{NAME}} is replaced by
// its value.
type Defs map[string]string

//go:embed *.wgsl *.wgsli
var files embed.FS

// Source returns the WGSL of the named shader ("embedding_q8"), with its
// #include lines replaced by their fragments (which may include others).
func Source(name string) (string, error) {
	b, err := files.ReadFile(name + ".wgsl")
	if err != nil {
		return "", fmt.Errorf("wgsl: no shader %q", name)
	}
	var out strings.Builder
	if err := include(&out, name+".wgsl", string(b), 0); err != nil {
		return "", err
	}
	return out.String(), nil
}

// include writes src to out with its #include lines expanded; depth
// bounds a fragment that includes itself.
func include(out *strings.Builder, file, src string, depth int) error {
	if depth > 4 {
		return fmt.Errorf("wgsl: %s: #include nested too deep (a cycle?)", file)
	}
	for i, line := range strings.SplitAfter(src, "\n") {
		frag, ok := strings.CutPrefix(strings.TrimSpace(line), "#include ")
		if !ok {
			out.WriteString(line)
			continue
		}
		inc, err := files.ReadFile(frag + ".wgsli")
		if err != nil {
			return fmt.Errorf("wgsl: %s:%d: no fragment %q", file, i+1, frag)
		}
		if err := include(out, frag+".wgsli", string(inc), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// Names lists the shaders (not the fragments).
func Names() []string {
	entries, _ := files.ReadDir(".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".wgsl"); ok {
			names = append(names, n)
		}
	}
	return names
}

// Specialize returns the named shader with defs applied (see the package
// comment; #if blocks nest). An unknown placeholder or an unbalanced #if is
// an error.
func Specialize(name string, defs Defs) (string, error) {
	src, err := Source(name)
	if err != nil {
		return "", err
	}
	return specialize(name, src, defs)
}

func specialize(name, src string, defs Defs) (string, error) {
	// One frame per open #if: whether its enclosing block is kept, whether
	// a branch was already taken, and whether the current branch is kept.
	type frame struct{ outer, taken, keep bool }
	var stack []frame
	keep := true
	var out strings.Builder
	for i, line := range strings.SplitAfter(src, "\n") {
		directive, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		top := len(stack) - 1
		switch directive {
		case "#if":
			f := frame{outer: keep, keep: keep && defs.on(arg)}
			f.taken = f.keep
			stack = append(stack, f)
		case "#elif", "#else":
			if top < 0 {
				return "", fmt.Errorf("wgsl: %s.wgsl:%d: %s without #if", name, i+1, directive)
			}
			f := &stack[top]
			f.keep = f.outer && !f.taken && (directive == "#else" || defs.on(arg))
			f.taken = f.taken || f.keep
		case "#endif":
			if top < 0 {
				return "", fmt.Errorf("wgsl: %s.wgsl:%d: #endif without #if", name, i+1)
			}
			stack = stack[:top]
		default:
			if keep {
				out.WriteString(line)
			}
			continue
		}
		keep = len(stack) == 0 || stack[len(stack)-1].keep
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("wgsl: %s.wgsl: #if without #endif", name)
	}
	s := out.String()
	for k, v := range defs {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	if i := strings.Index(s, "{{"); i >= 0 {
		return "", fmt.Errorf("wgsl: %s.wgsl: placeholder left unfilled: %q", name, s[i:min(len(s), i+40)])
	}
	return s, nil
}

func (d Defs) on(name string) bool {
	v := d[strings.TrimSpace(name)]
	return v != "" && v != "0" && v != "false"
}

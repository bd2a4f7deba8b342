// Package wgsl holds genplay's WGSL compute shaders, one op per file
// (snake_case, with a dtype suffix where it matters: matmul_q8.wgsl).
//
// Conventions shared by every shader: bindings are the inputs, then the
// output, then one Params uniform of sizes and strides in elements; the
// entry point is main; an invocation past the end returns early; a 1-D
// kernel folds a 2-D grid of workgroups into one index (i = gid.x +
// gid.y * num_workgroups.x * 256) so the host can stay under 65535
// workgroups per dimension.
package wgsl

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.wgsl
var files embed.FS

// Source returns the WGSL of the named shader ("matmul_q8").
func Source(name string) (string, error) {
	b, err := files.ReadFile(name + ".wgsl")
	if err != nil {
		return "", fmt.Errorf("wgsl: no shader %q", name)
	}
	return string(b), nil
}

// Names lists the shaders.
func Names() []string {
	entries, _ := files.ReadDir(".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".wgsl"))
	}
	return names
}

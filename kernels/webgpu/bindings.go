package webgpu

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// bindingKind is how a shader declares a binding of group 0.
type bindingKind int

const (
	bindRead   bindingKind = iota // var<storage, read>
	bindWrite                     // var<storage, read_write>
	bindParams                    // var<uniform>: the Params, last
)

var bindingRE = regexp.MustCompile(`@group\(0\)\s*@binding\((\d+)\)\s*var<\s*(uniform|storage\s*,\s*read_write|storage\s*,\s*read)\s*>`)

// bindingsOf reads the group-0 bindings of a specialized shader, in binding
// order. The pipelines' layouts are made from it rather than "auto",
// because only an explicit layout can give the Params uniform a dynamic
// offset (see params_js.go). It holds the kernels/wgsl convention: the
// bindings are numbered from 0 without gaps, and the Params uniform is the
// last and the only uniform.
func bindingsOf(src string) ([]bindingKind, error) {
	ms := bindingRE.FindAllStringSubmatch(src, -1)
	kinds := make([]bindingKind, len(ms))
	seen := make([]bool, len(ms))
	for _, m := range ms {
		i, err := strconv.Atoi(m[1])
		if err != nil || i >= len(ms) || seen[i] {
			return nil, fmt.Errorf("bindings: @binding(%s) of %d is out of order or repeated", m[1], len(ms))
		}
		seen[i] = true
		switch {
		case m[2] == "uniform":
			kinds[i] = bindParams
		case strings.HasSuffix(m[2], "read_write"):
			kinds[i] = bindWrite
		default:
			kinds[i] = bindRead
		}
	}
	if len(kinds) == 0 || kinds[len(kinds)-1] != bindParams {
		return nil, fmt.Errorf("bindings: want the Params uniform as the last of the group-0 bindings")
	}
	for _, k := range kinds[:len(kinds)-1] {
		if k == bindParams {
			return nil, fmt.Errorf("bindings: more than one uniform")
		}
	}
	return kinds, nil
}

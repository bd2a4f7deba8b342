package wgsl

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var bindingRE = regexp.MustCompile(`@group\(0\) @binding\((\d+)\) var<(\w+)`)

// TestConventions checks what the host code relies on: bindings numbered
// 0..n-1 in order, read-only inputs, then one read_write output, then the
// Params uniform last; an entry point named main.
func TestConventions(t *testing.T) {
	names := Names()
	if len(names) < 20 {
		t.Fatalf("only %d shaders embedded: %v", len(names), names)
	}
	for _, name := range names {
		src, err := Source(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(src, "fn main(") {
			t.Errorf("%s: no entry point main", name)
		}
		m := bindingRE.FindAllStringSubmatch(src, -1)
		if len(m) < 2 {
			t.Errorf("%s: %d bindings", name, len(m))
			continue
		}
		for i, b := range m {
			if n, _ := strconv.Atoi(b[1]); n != i {
				t.Errorf("%s: binding %d declared in position %d", name, n, i)
			}
		}
		if m[len(m)-1][2] != "uniform" {
			t.Errorf("%s: the last binding is not the Params uniform", name)
		}
		out := strings.Count(src, "var<storage, read_write>")
		if out != 1 || !strings.Contains(src, "@binding("+strconv.Itoa(len(m)-2)+") var<storage, read_write>") {
			t.Errorf("%s: want exactly one read_write output, just before the uniform", name)
		}
	}
	if _, err := Source("no_such_op"); err == nil {
		t.Error("Source of a missing shader succeeded")
	}
}

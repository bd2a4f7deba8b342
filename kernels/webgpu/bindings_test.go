package webgpu

import (
	"slices"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels/wgsl"
)

// TestBindingsOf reads every plain shader's bindings (the layouts every
// pipeline is made with) and refuses what breaks the convention.
func TestBindingsOf(t *testing.T) {
	for _, name := range wgsl.Names() {
		src, err := wgsl.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(src, "#if") {
			continue // a template: its specializations are checked on a device
		}
		kinds, err := bindingsOf(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !slices.Contains(kinds, bindWrite) {
			t.Errorf("%s: %v has no output", name, kinds)
		}
	}
	src := `@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;`
	if got, err := bindingsOf(src); err != nil || !slices.Equal(got, []bindingKind{bindRead, bindWrite, bindParams}) {
		t.Errorf("bindingsOf = %v, %v", got, err)
	}
	for _, bad := range []string{
		"",
		`@group(0) @binding(0) var<storage, read> a: array<f32>;`,
		`@group(0) @binding(0) var<uniform> p: P; @group(0) @binding(1) var<storage, read_write> o: array<f32>;`,
		`@group(0) @binding(0) var<storage, read> a: array<f32>; @group(0) @binding(0) var<uniform> p: P;`,
		`@group(0) @binding(0) var<storage, read> a: array<f32>; @group(0) @binding(5) var<uniform> p: P;`,
		`@group(0) @binding(0) var<uniform> q: P; @group(0) @binding(1) var<uniform> p: P;`,
	} {
		if kinds, err := bindingsOf(bad); err == nil {
			t.Errorf("bindingsOf(%q) = %v, want an error", bad, kinds)
		}
	}
}

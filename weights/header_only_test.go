package weights

import (
	"bytes"
	"reflect"
	"testing"
)

// WithHeaderOnly returns the metadata and tensor infos of a file and stops
// before the data: a file cut right after its header still reads.
func TestHeaderOnly(t *testing.T) {
	want := sampleFile(t, 32)
	full := encode(t, want)
	dataBytes := int(want.TotalBytes())
	header := full[:len(full)-dataBytes] // padding and tensor data cut off

	if _, err := Read(bytes.NewReader(header)); err == nil {
		t.Fatal("a full read of a file without its tensor data succeeded")
	}
	got, err := Read(bytes.NewReader(header), WithHeaderOnly())
	if err != nil {
		t.Fatalf("header-only read: %v", err)
	}
	if got.Architecture() != want.Architecture() || !reflect.DeepEqual(got.Metadata.Keys(), want.Metadata.Keys()) {
		t.Errorf("metadata: arch %q keys %v, want %q %v", got.Architecture(), got.Metadata.Keys(), want.Architecture(), want.Metadata.Keys())
	}
	if len(got.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for i, g := range got.Tensors {
		w := want.Tensors[i]
		if g.Name != w.Name || g.DType != w.DType || !reflect.DeepEqual(g.Shape, w.Shape) || g.Data != nil {
			t.Errorf("tensor %d = %s %v %v (data %d bytes), want %s %v %v and no data", i, g.Name, g.DType, g.Shape, len(g.Data), w.Name, w.DType, w.Shape)
		}
	}
}

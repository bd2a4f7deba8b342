package weights_test

import (
	"bytes"
	"fmt"

	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

func ExampleRead() {
	x := make([]float32, 2*32)
	for i := range x {
		x[i] = float32(i) / 8
	}
	q, _ := quant.Quantize(quant.Q8_0, x)
	f := &weights.File{}
	f.Metadata.Set(weights.KeyArchitecture, "demo")
	f.Metadata.Set("demo.block_count", uint32(1))
	f.Tensors = []weights.TensorInfo{{Name: "w", Shape: []int64{2, 32}, DType: quant.Q8_0, Data: q}}

	var buf bytes.Buffer
	if err := weights.Write(&buf, f); err != nil {
		panic(err)
	}
	g, err := weights.Read(&buf)
	if err != nil {
		panic(err)
	}
	n, _ := g.Metadata.GetUint("demo.block_count")
	w, _ := g.Tensor("w")
	fmt.Println(g.Architecture(), n, w.DType, w.Shape, len(w.Data))
	// Output: demo 1 Q8_0 [2 32] 68
}

package weights

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"

	"github.com/genplay/genplay/weights/quant"
)

func sampleSafetensors() *Safetensors {
	return &Safetensors{
		Metadata: map[string]string{"general.architecture": "tiny", "note": "x"},
		Tensors: []SafeTensor{
			{Name: "a.weight", DType: quant.F32, Shape: []int64{2, 3}, Data: []float32{1, -2, 3.5, 0, 1e-3, -7}},
			{Name: "b.bias", DType: quant.F16, Shape: []int64{4}, Data: []float32{0.5, -1, 2, 65504}},
			{Name: "c", DType: quant.BF16, Shape: []int64{1, 2}, Data: []float32{1, -3}},
			{Name: "scalar", DType: quant.F32, Shape: []int64{}, Data: []float32{42}},
		},
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	want := sampleSafetensors()
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, want); err != nil {
		t.Fatal(err)
	}
	if hlen := binary.LittleEndian.Uint64(buf.Bytes()); hlen%8 != 0 {
		t.Errorf("header length %d not padded to 8", hlen)
	}
	got, err := ReadSafetensors(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Metadata, want.Metadata) {
		t.Errorf("metadata %v, want %v", got.Metadata, want.Metadata)
	}
	// The values above are exact in every dtype used, so equality is exact.
	if !reflect.DeepEqual(got.Tensors, want.Tensors) {
		t.Errorf("tensors\n got %+v\nwant %+v", got.Tensors, want.Tensors)
	}
	if got.Tensor("c") == nil || got.Tensor("zz") != nil {
		t.Error("Tensor lookup")
	}
}

// rawSafetensors assembles a file from a header string and a data buffer.
func rawSafetensors(header string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func TestSafetensorsBadInput(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "truncated at byte 0 while reading header length"},
		{"header length", []byte{0, 0, 0, 0, 0, 0, 0, 1}, "header claims 72057594037927936 bytes"},
		{"header short", rawSafetensors(`{"a":`, nil)[:10], "truncated"},
		{"not json", rawSafetensors(`nope`, nil), "not a JSON object"},
		{"metadata type", rawSafetensors(`{"__metadata__":{"a":1}}`, nil), "__metadata__ must map strings to strings"},
		{"dtype", rawSafetensors(`{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)), `tensor "w" has dtype "I64"; supported: F32, F16, BF16`},
		{"size", rawSafetensors(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 8)), `data_offsets [0, 4) do not hold 2 F32 values (8 bytes)`},
		{"negative", rawSafetensors(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 8)), "bad shape [-1]"},
		{"huge shape", rawSafetensors(`{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,4]}}`, nil), "bad shape"},
		{"overlap", rawSafetensors(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12)), `tensor "b" data [4, 12) overlaps tensor "a" ending at 8`},
		{"short data", rawSafetensors(`{"w":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}}`, make([]byte, 5)), "truncated at byte 68 while reading data of tensor w"},
		{"beyond", rawSafetensors(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[1000,1004]}}`, make([]byte, 8)), "truncated"},
	}
	for _, c := range cases {
		_, err := ReadSafetensors(bytes.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\n want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestSafetensorsWriteRejects(t *testing.T) {
	s := sampleSafetensors()
	s.Tensors[0].Data = s.Tensors[0].Data[:5]
	if err := WriteSafetensors(&bytes.Buffer{}, s); err == nil || !strings.Contains(err.Error(), "5 values for shape [2 3]") {
		t.Errorf("err = %v", err)
	}
	s = sampleSafetensors()
	s.Tensors[1].DType = quant.Q8_0
	if err := WriteSafetensors(&bytes.Buffer{}, s); err == nil || !strings.Contains(err.Error(), "not F32, F16 or BF16") {
		t.Errorf("err = %v", err)
	}
}

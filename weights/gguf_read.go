package weights

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/genplay/genplay/weights/quant"
)

var ggufMagic = []byte("GGUF")

// decodeGGUF parses a whole GGUF stream: header, metadata, tensor infos,
// then the tensor data in offset order.
func decodeGGUF(r io.Reader, size int64, headerOnly bool) (*File, error) {
	d := &decoder{format: "gguf", r: r, size: size}
	var magic [4]byte
	if err := d.full(magic[:], "magic"); err != nil {
		return nil, err
	}
	if !bytes.Equal(magic[:], ggufMagic) {
		return nil, fmt.Errorf("gguf: not a GGUF file: magic %q, want %q (or a zstd stream)", magic[:], ggufMagic)
	}
	version, err := d.u32("version")
	if err != nil {
		return nil, err
	}
	switch {
	case version == 2 || version == 3:
	case bits32Swap(version) == 2 || bits32Swap(version) == 3:
		return nil, fmt.Errorf("gguf: big-endian GGUF (version %d byte-swapped) is not supported", bits32Swap(version))
	default:
		return nil, fmt.Errorf("gguf: unsupported GGUF version %d (genplay reads versions 2 and 3)", version)
	}
	nTensors, err := d.u64("tensor count")
	if err != nil {
		return nil, err
	}
	nKV, err := d.u64("metadata count")
	if err != nil {
		return nil, err
	}
	if nTensors > maxTensors {
		return nil, fmt.Errorf("gguf: header claims %d tensors (limit %d)", nTensors, maxTensors)
	}
	if nKV > maxKV {
		return nil, fmt.Errorf("gguf: header claims %d metadata entries (limit %d)", nKV, maxKV)
	}
	f := &File{Version: version}
	for i := uint64(0); i < nKV; i++ {
		key, err := d.str("metadata key")
		if err != nil {
			return nil, err
		}
		if _, dup := f.Metadata.Get(key); dup {
			return nil, fmt.Errorf("gguf: duplicate metadata key %q", key)
		}
		t, err := d.u32("type of " + key)
		if err != nil {
			return nil, err
		}
		v, err := d.value(ValueType(t), key, 0)
		if err != nil {
			return nil, err
		}
		f.Metadata.SetValue(key, v)
	}
	align := uint32(DefaultAlignment)
	if v, ok := f.Metadata.Get(KeyAlignment); ok {
		a, isU32 := v.V.(uint32)
		if !isU32 || a == 0 || a&(a-1) != 0 || a > maxAlignment {
			return nil, fmt.Errorf("gguf: %s must be a uint32 power of two up to %d, got %v %v", KeyAlignment, maxAlignment, v.Type, v.V)
		}
		align = a
	}

	offsets := make([]uint64, 0, min(nTensors, 1024))
	seen := map[string]bool{}
	for i := uint64(0); i < nTensors; i++ {
		t, off, err := d.tensorInfo(align)
		if err != nil {
			return nil, err
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("gguf: duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		f.Tensors = append(f.Tensors, t)
		offsets = append(offsets, off)
	}
	if headerOnly {
		return f, nil
	}
	if err := d.skip(pad(d.pos, int64(align)), "padding before tensor data"); err != nil {
		if len(f.Tensors) == 0 {
			return f, nil // a file with no tensors may end right after its header
		}
		return nil, err
	}
	return f, d.tensorData(f, offsets)
}

func (d *decoder) tensorInfo(align uint32) (TensorInfo, uint64, error) {
	name, err := d.str("tensor name")
	if err != nil {
		return TensorInfo{}, 0, err
	}
	nDims, err := d.u32("dimension count of " + name)
	if err != nil {
		return TensorInfo{}, 0, err
	}
	if nDims < 1 || nDims > maxDims {
		return TensorInfo{}, 0, fmt.Errorf("gguf: tensor %q has %d dimensions (want 1 to %d)", name, nDims, maxDims)
	}
	shape := make([]int64, nDims)
	for i := range shape {
		dim, err := d.u64("shape of " + name)
		if err != nil {
			return TensorInfo{}, 0, err
		}
		if dim > maxElements {
			return TensorInfo{}, 0, fmt.Errorf("gguf: tensor %q dimension %d is %d (limit %d)", name, i, dim, int64(maxElements))
		}
		shape[int(nDims)-1-i] = int64(dim) // GGUF is fastest-first; Shape is slowest-first
	}
	t, err := d.u32("type of " + name)
	if err != nil {
		return TensorInfo{}, 0, err
	}
	dt := quant.DType(t)
	if !dt.Supported() {
		return TensorInfo{}, 0, fmt.Errorf("gguf: tensor %q has type %s (ggml type %d); genplay supports F32, F16, BF16, Q8_0, Q4_0 (requantize with `genplay quantize`)", name, ggmlTypeName(t), t)
	}
	if _, err := tensorBytes(shape, dt); err != nil {
		return TensorInfo{}, 0, fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	off, err := d.u64("data offset of " + name)
	if err != nil {
		return TensorInfo{}, 0, err
	}
	if off%uint64(align) != 0 {
		return TensorInfo{}, 0, fmt.Errorf("gguf: tensor %q data offset %d is not a multiple of the alignment %d", name, off, align)
	}
	return TensorInfo{Name: name, Shape: shape, DType: dt}, off, nil
}

// tensorData reads every tensor's bytes in offset order, so the stream is
// read front to back once. Overlapping or out-of-range ranges are errors.
func (d *decoder) tensorData(f *File, offsets []uint64) error {
	order := make([]int, len(f.Tensors))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return offsets[order[a]] < offsets[order[b]] })
	start := d.pos
	var end uint64 // end of the previous tensor, relative to the data section
	for k, i := range order {
		t := &f.Tensors[i]
		n, _ := tensorBytes(t.Shape, t.DType) // checked in tensorInfo
		off := offsets[i]
		if off > maxTensorBytes*maxTensors {
			return fmt.Errorf("gguf: tensor %q data offset %d is out of range", t.Name, off)
		}
		if k > 0 && off < end {
			prev := f.Tensors[order[k-1]].Name
			return fmt.Errorf("gguf: tensor %q data [%d, %d) overlaps tensor %q ending at %d", t.Name, off, off+uint64(n), prev, end)
		}
		if d.size >= 0 && start+int64(off)+n > d.size {
			return fmt.Errorf("gguf: tensor %q data [%d, %d) lies beyond the end of the file (%d bytes of tensor data)", t.Name, off, off+uint64(n), d.size-start)
		}
		if err := d.skip(int64(off-end), "padding before "+t.Name); err != nil {
			return err
		}
		data, err := d.bytes(n, "data of tensor "+t.Name)
		if err != nil {
			return fmt.Errorf("%w (tensor %s %v needs %d bytes)", err, t.DType, t.Shape, n)
		}
		t.Data = data
		end = off + uint64(n)
	}
	return nil
}

// value reads one metadata value of type t.
func (d *decoder) value(t ValueType, key string, depth int) (Value, error) {
	var v any
	var err error
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		err = d.full(d.buf[:1], key)
		switch t {
		case TypeUint8:
			v = d.buf[0]
		case TypeInt8:
			v = int8(d.buf[0])
		default:
			if d.buf[0] > 1 {
				return Value{}, fmt.Errorf("gguf: metadata %q: bool byte is %d, want 0 or 1", key, d.buf[0])
			}
			v = d.buf[0] == 1
		}
	case TypeUint16, TypeInt16:
		err = d.full(d.buf[:2], key)
		u := binary.LittleEndian.Uint16(d.buf[:2])
		if v = u; t == TypeInt16 {
			v = int16(u)
		}
	case TypeUint32, TypeInt32, TypeFloat32:
		var u uint32
		u, err = d.u32(key)
		switch t {
		case TypeUint32:
			v = u
		case TypeInt32:
			v = int32(u)
		default:
			v = math.Float32frombits(u)
		}
	case TypeUint64, TypeInt64, TypeFloat64:
		var u uint64
		u, err = d.u64(key)
		switch t {
		case TypeUint64:
			v = u
		case TypeInt64:
			v = int64(u)
		default:
			v = math.Float64frombits(u)
		}
	case TypeString:
		v, err = d.str(key)
	case TypeArray:
		return d.array(key, depth)
	default:
		return Value{}, fmt.Errorf("gguf: metadata %q has unknown value type %d", key, uint32(t))
	}
	if err != nil {
		return Value{}, err
	}
	return Value{Type: t, V: v}, nil
}

func (d *decoder) array(key string, depth int) (Value, error) {
	if depth >= maxArrayDepth {
		return Value{}, fmt.Errorf("gguf: metadata %q: arrays nested deeper than %d", key, maxArrayDepth)
	}
	et, err := d.u32(key + " element type")
	if err != nil {
		return Value{}, err
	}
	elem := ValueType(et)
	if !elem.valid() {
		return Value{}, fmt.Errorf("gguf: metadata %q: array of unknown value type %d", key, et)
	}
	n, err := d.u64(key + " array length")
	if err != nil {
		return Value{}, err
	}
	if n > maxArrayLen {
		return Value{}, fmt.Errorf("gguf: metadata %q: array claims %d elements (limit %d)", key, n, maxArrayLen)
	}
	if elem == TypeArray {
		vals := make([]Value, 0, min(n, 1024))
		for i := uint64(0); i < n; i++ {
			v, err := d.array(key, depth+1)
			if err != nil {
				return Value{}, err
			}
			vals = append(vals, v)
		}
		return Value{Type: TypeArray, Elem: TypeArray, V: vals}, nil
	}
	// Elements are read one by one into a slice that grows as they arrive.
	var s arrayBuilder
	s.init(elem, min(n, 4096))
	for i := uint64(0); i < n; i++ {
		v, err := d.value(elem, key, depth+1)
		if err != nil {
			return Value{}, err
		}
		s.add(v.V)
	}
	return Value{Type: TypeArray, Elem: elem, V: s.slice}, nil
}

// arrayBuilder appends scalars to a typed slice.
type arrayBuilder struct{ slice any }

func (b *arrayBuilder) init(t ValueType, capacity uint64) {
	c := int(capacity)
	switch t {
	case TypeUint8:
		b.slice = make([]uint8, 0, c)
	case TypeInt8:
		b.slice = make([]int8, 0, c)
	case TypeUint16:
		b.slice = make([]uint16, 0, c)
	case TypeInt16:
		b.slice = make([]int16, 0, c)
	case TypeUint32:
		b.slice = make([]uint32, 0, c)
	case TypeInt32:
		b.slice = make([]int32, 0, c)
	case TypeFloat32:
		b.slice = make([]float32, 0, c)
	case TypeBool:
		b.slice = make([]bool, 0, c)
	case TypeString:
		b.slice = make([]string, 0, c)
	case TypeUint64:
		b.slice = make([]uint64, 0, c)
	case TypeInt64:
		b.slice = make([]int64, 0, c)
	case TypeFloat64:
		b.slice = make([]float64, 0, c)
	}
}

func (b *arrayBuilder) add(v any) {
	switch s := b.slice.(type) {
	case []uint8:
		b.slice = append(s, v.(uint8))
	case []int8:
		b.slice = append(s, v.(int8))
	case []uint16:
		b.slice = append(s, v.(uint16))
	case []int16:
		b.slice = append(s, v.(int16))
	case []uint32:
		b.slice = append(s, v.(uint32))
	case []int32:
		b.slice = append(s, v.(int32))
	case []float32:
		b.slice = append(s, v.(float32))
	case []bool:
		b.slice = append(s, v.(bool))
	case []string:
		b.slice = append(s, v.(string))
	case []uint64:
		b.slice = append(s, v.(uint64))
	case []int64:
		b.slice = append(s, v.(int64))
	case []float64:
		b.slice = append(s, v.(float64))
	}
}

func bits32Swap(v uint32) uint32 {
	return v>>24 | (v>>8)&0xff00 | (v<<8)&0xff0000 | v<<24
}

// ggmlTypeName names GGML tensor types genplay does not compute with, so an
// error can say "Q4_K" rather than a number.
func ggmlTypeName(t uint32) string {
	names := map[uint32]string{
		3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K",
		12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS",
		18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS",
		24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M",
		34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
	}
	if n, ok := names[t]; ok {
		return n
	}
	return quant.DType(t).String()
}

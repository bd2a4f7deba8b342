package weights

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/genplay/genplay/weights/quant"
)

// maxSafetensorsHeader caps the JSON header (the safetensors library's own limit).
const maxSafetensorsHeader = 100 << 20

// Safetensors is a safetensors file with every tensor decoded to float32.
type Safetensors struct {
	Metadata map[string]string // the header's __metadata__
	Tensors  []SafeTensor      // in data-offset (file) order
}

// SafeTensor is one tensor. Shape is PyTorch's (slowest-first).
type SafeTensor struct {
	Name  string
	DType quant.DType // storage type in the file: F32, F16 or BF16
	Shape []int64
	Data  []float32
}

// Tensor returns the tensor called name, or nil.
func (s *Safetensors) Tensor(name string) *SafeTensor {
	for i := range s.Tensors {
		if s.Tensors[i].Name == name {
			return &s.Tensors[i]
		}
	}
	return nil
}

var safeDTypes = map[string]quant.DType{"F32": quant.F32, "F16": quant.F16, "BF16": quant.BF16}

type safeEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// ReadSafetensors parses a safetensors stream: an 8-byte little-endian
// header length, a JSON header, then the data buffer that the header's
// data_offsets index. Offsets must lie in order without overlapping and
// match each tensor's shape and dtype exactly.
func ReadSafetensors(r io.Reader) (*Safetensors, error) {
	d := &decoder{format: "safetensors", r: bufio.NewReaderSize(r, 64<<10), size: -1}
	hlen, err := d.u64("header length")
	if err != nil {
		return nil, err
	}
	if hlen > maxSafetensorsHeader {
		return nil, fmt.Errorf("safetensors: header claims %d bytes (limit %d); is this a safetensors file?", hlen, maxSafetensorsHeader)
	}
	hdr, err := d.bytes(int64(hlen), "header")
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return nil, fmt.Errorf("safetensors: header is not a JSON object: %w", err)
	}
	st := &Safetensors{Metadata: map[string]string{}}
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &st.Metadata); err != nil {
			return nil, fmt.Errorf("safetensors: __metadata__ must map strings to strings: %w", err)
		}
		delete(raw, "__metadata__")
	}
	if len(raw) > maxTensors {
		return nil, fmt.Errorf("safetensors: %d tensors (limit %d)", len(raw), maxTensors)
	}
	type span struct {
		begin, end int64
	}
	spans := make([]span, 0, len(raw))
	for name, msg := range raw {
		var e safeEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: bad header entry: %w", name, err)
		}
		dt, ok := safeDTypes[e.DType]
		if !ok {
			return nil, fmt.Errorf("safetensors: tensor %q has dtype %q; supported: F32, F16, BF16 (drop or convert it when exporting)", name, e.DType)
		}
		if len(e.Shape) > 8 {
			return nil, fmt.Errorf("safetensors: tensor %q has %d dimensions (limit 8)", name, len(e.Shape))
		}
		n := int64(1)
		for _, dim := range e.Shape {
			if dim < 0 || (dim > 0 && n > maxElements/dim) {
				return nil, fmt.Errorf("safetensors: tensor %q has bad shape %v", name, e.Shape)
			}
			n *= dim
		}
		_, size, _ := dt.BlockBytes()
		b, en := e.DataOffsets[0], e.DataOffsets[1]
		if b < 0 || en < b || en-b != n*int64(size) {
			return nil, fmt.Errorf("safetensors: tensor %q data_offsets [%d, %d) do not hold %d %s values (%d bytes)", name, b, en, n, e.DType, n*int64(size))
		}
		st.Tensors = append(st.Tensors, SafeTensor{Name: name, DType: dt, Shape: e.Shape})
		spans = append(spans, span{b, en})
	}
	order := make([]int, len(spans))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		sa, sb := spans[order[a]], spans[order[b]]
		if sa.begin != sb.begin {
			return sa.begin < sb.begin
		}
		return st.Tensors[order[a]].Name < st.Tensors[order[b]].Name
	})
	var pos int64 // position in the data buffer
	sorted := make([]SafeTensor, 0, len(order))
	for k, i := range order {
		t, s := st.Tensors[i], spans[i]
		if s.begin < pos {
			return nil, fmt.Errorf("safetensors: tensor %q data [%d, %d) overlaps tensor %q ending at %d", t.Name, s.begin, s.end, sorted[k-1].Name, pos)
		}
		if err := d.skip(s.begin-pos, "gap before "+t.Name); err != nil {
			return nil, err
		}
		buf, err := d.bytes(s.end-s.begin, "data of tensor "+t.Name)
		if err != nil {
			return nil, err
		}
		_, size, _ := t.DType.BlockBytes()
		t.Data, err = quant.Dequantize(t.DType, buf, len(buf)/size)
		if err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: %w", t.Name, err)
		}
		sorted = append(sorted, t)
		pos = s.end
	}
	st.Tensors = sorted
	return st, nil
}

// OpenSafetensors reads a .safetensors file.
func OpenSafetensors(path string) (*Safetensors, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := ReadSafetensors(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}

// WriteSafetensors writes s with each tensor stored as its DType (F32, F16
// or BF16, rounding to nearest even), in s.Tensors' order. The header is
// padded with spaces to a multiple of 8 bytes, as the reference writer does.
func WriteSafetensors(w io.Writer, s *Safetensors) error {
	hdr := map[string]any{}
	if len(s.Metadata) > 0 {
		hdr["__metadata__"] = s.Metadata
	}
	var off int64
	for _, t := range s.Tensors {
		name := ""
		for k, v := range safeDTypes {
			if v == t.DType {
				name = k
			}
		}
		if name == "" {
			return fmt.Errorf("safetensors write: tensor %q: dtype %v is not F32, F16 or BF16", t.Name, t.DType)
		}
		n := int64(1)
		for _, dim := range t.Shape {
			n *= dim
		}
		if n != int64(len(t.Data)) {
			return fmt.Errorf("safetensors write: tensor %q has %d values for shape %v", t.Name, len(t.Data), t.Shape)
		}
		if _, dup := hdr[t.Name]; dup {
			return fmt.Errorf("safetensors write: duplicate tensor name %q", t.Name)
		}
		_, size, _ := t.DType.BlockBytes()
		shape := t.Shape
		if shape == nil {
			shape = []int64{}
		}
		hdr[t.Name] = safeEntry{DType: name, Shape: shape, DataOffsets: [2]int64{off, off + n*int64(size)}}
		off += n * int64(size)
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return fmt.Errorf("safetensors write: %w", err)
	}
	js = append(js, bytes.Repeat([]byte(" "), int(pad(int64(len(js)), 8)))...)
	bw := bufio.NewWriter(w)
	binary.Write(bw, binary.LittleEndian, uint64(len(js)))
	bw.Write(js)
	for _, t := range s.Tensors {
		raw, err := quant.Quantize(t.DType, t.Data)
		if err != nil {
			return fmt.Errorf("safetensors write: tensor %q: %w", t.Name, err)
		}
		bw.Write(raw)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("safetensors write: %w", err)
	}
	return nil
}

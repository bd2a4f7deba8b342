package weights

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Write encodes f as GGUF v3: header, metadata in f.Metadata's order, tensor
// infos in f.Tensors' order, then the data, each tensor starting at a
// multiple of the alignment (general.alignment, else 32). Tensors are
// checked first: a supported dtype, 1 to 4 dims and Data of exactly the
// size Shape needs, so Write never produces a file Read would reject.
func Write(w io.Writer, f *File) error {
	align := int64(DefaultAlignment)
	if v, ok := f.Metadata.Get(KeyAlignment); ok {
		a, isU32 := v.V.(uint32)
		if !isU32 || a == 0 || a&(a-1) != 0 || a > maxAlignment {
			return fmt.Errorf("gguf write: %s must be a uint32 power of two up to %d, got %v %v", KeyAlignment, maxAlignment, v.Type, v.V)
		}
		align = int64(a)
	}
	if len(f.Tensors) > maxTensors || f.Metadata.Len() > maxKV {
		return fmt.Errorf("gguf write: %d tensors and %d metadata entries exceed the limits (%d, %d)", len(f.Tensors), f.Metadata.Len(), maxTensors, maxKV)
	}
	offsets := make([]int64, len(f.Tensors))
	var off int64
	seen := map[string]bool{}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if seen[t.Name] {
			return fmt.Errorf("gguf write: duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		n, err := tensorBytes(t.Shape, t.DType)
		if err != nil {
			return fmt.Errorf("gguf write: tensor %q: %w", t.Name, err)
		}
		if int64(len(t.Data)) != n {
			return fmt.Errorf("gguf write: tensor %q %v %v has %d bytes of data, want %d", t.Name, t.DType, t.Shape, len(t.Data), n)
		}
		offsets[i] = off
		off += n + pad(n, align)
	}

	e := &encoder{w: bufio.NewWriterSize(w, 1<<16)}
	e.raw(ggufMagic)
	e.u32(3)
	e.u64(uint64(len(f.Tensors)))
	e.u64(uint64(f.Metadata.Len()))
	for _, k := range f.Metadata.keys {
		v := f.Metadata.vals[k]
		e.str(k)
		e.u32(uint32(v.Type))
		if err := e.value(v, k, 0); err != nil {
			return err
		}
	}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		e.str(t.Name)
		e.u32(uint32(len(t.Shape)))
		for j := len(t.Shape) - 1; j >= 0; j-- { // GGUF lists dims fastest-first
			e.u64(uint64(t.Shape[j]))
		}
		e.u32(uint32(t.DType))
		e.u64(uint64(offsets[i]))
	}
	e.zeros(pad(e.n, align))
	for i := range f.Tensors {
		e.raw(f.Tensors[i].Data)
		e.zeros(pad(int64(len(f.Tensors[i].Data)), align))
	}
	if e.err != nil {
		return fmt.Errorf("gguf write: %w", e.err)
	}
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("gguf write: %w", err)
	}
	return nil
}

// WriteFile writes f to path, zstd-compressed when path ends in ".zst".
// The file is written under a temporary name and renamed into place, so a
// failed write never leaves a truncated model behind.
func WriteFile(path string, f *File) (err error) {
	tmp := path + ".tmp"
	fh, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			fh.Close()
			os.Remove(tmp)
		}
	}()
	if strings.HasSuffix(path, ".zst") {
		zw, zerr := zstd.NewWriter(fh, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
		if zerr != nil {
			return zerr
		}
		if err = Write(zw, f); err != nil {
			zw.Close()
			return err
		}
		if err = zw.Close(); err != nil {
			return err
		}
	} else if err = Write(fh, f); err != nil {
		return err
	}
	if err = fh.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// encoder writes little-endian fields, keeping the first error and the byte count.
type encoder struct {
	w   *bufio.Writer
	n   int64
	err error
	buf [8]byte
}

func (e *encoder) raw(p []byte) {
	if e.err != nil {
		return
	}
	n, err := e.w.Write(p)
	e.n += int64(n)
	e.err = err
}

func (e *encoder) zeros(n int64) {
	var z [64]byte
	for n > 0 {
		k := min(n, int64(len(z)))
		e.raw(z[:k])
		n -= k
	}
}

func (e *encoder) u8(v uint8)   { e.buf[0] = v; e.raw(e.buf[:1]) }
func (e *encoder) u16(v uint16) { binary.LittleEndian.PutUint16(e.buf[:], v); e.raw(e.buf[:2]) }
func (e *encoder) u32(v uint32) { binary.LittleEndian.PutUint32(e.buf[:], v); e.raw(e.buf[:4]) }
func (e *encoder) u64(v uint64) { binary.LittleEndian.PutUint64(e.buf[:], v); e.raw(e.buf[:8]) }
func (e *encoder) str(s string) { e.u64(uint64(len(s))); e.raw([]byte(s)) }

// value writes v's payload (its type tag is written by the caller).
func (e *encoder) value(v Value, key string, depth int) error {
	bad := func() error {
		return fmt.Errorf("gguf write: metadata %q: Go value %T does not match type %v", key, v.V, v.Type)
	}
	switch x := v.V.(type) {
	case uint8:
		e.u8(x)
	case int8:
		e.u8(uint8(x))
	case bool:
		if x {
			e.u8(1)
		} else {
			e.u8(0)
		}
	case uint16:
		e.u16(x)
	case int16:
		e.u16(uint16(x))
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case float32:
		e.u32(math.Float32bits(x))
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float64:
		e.u64(math.Float64bits(x))
	case string:
		if len(x) > maxStringLen {
			return fmt.Errorf("gguf write: metadata %q: string of %d bytes exceeds the limit %d", key, len(x), maxStringLen)
		}
		e.str(x)
	default:
		if v.Type != TypeArray {
			return bad()
		}
		return e.array(v, key, depth)
	}
	if want, err := ValueOf(v.V); err != nil || want.Type != v.Type {
		return bad()
	}
	return nil
}

func (e *encoder) array(v Value, key string, depth int) error {
	want, err := ValueOf(v.V)
	if err != nil || want.Type != TypeArray || want.Elem != v.Elem {
		return fmt.Errorf("gguf write: metadata %q: Go value %T does not match array of %v", key, v.V, v.Elem)
	}
	if depth >= maxArrayDepth || v.Len() > maxArrayLen {
		return fmt.Errorf("gguf write: metadata %q: array of %d elements at depth %d exceeds the limits (%d, %d)", key, v.Len(), depth, maxArrayLen, maxArrayDepth)
	}
	e.u32(uint32(v.Elem))
	e.u64(uint64(v.Len()))
	if nested, ok := v.V.([]Value); ok {
		for _, a := range nested {
			if err := e.value(a, key, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	// Reuse the scalar path per element: arrays are small next to tensor data.
	return forEach(v.V, func(x any) error { return e.value(Value{Type: v.Elem, V: x}, key, depth+1) })
}

func forEach(slice any, fn func(any) error) error {
	each := func(n int, at func(int) any) error {
		for i := 0; i < n; i++ {
			if err := fn(at(i)); err != nil {
				return err
			}
		}
		return nil
	}
	switch s := slice.(type) {
	case []uint8:
		return each(len(s), func(i int) any { return s[i] })
	case []int8:
		return each(len(s), func(i int) any { return s[i] })
	case []uint16:
		return each(len(s), func(i int) any { return s[i] })
	case []int16:
		return each(len(s), func(i int) any { return s[i] })
	case []uint32:
		return each(len(s), func(i int) any { return s[i] })
	case []int32:
		return each(len(s), func(i int) any { return s[i] })
	case []float32:
		return each(len(s), func(i int) any { return s[i] })
	case []bool:
		return each(len(s), func(i int) any { return s[i] })
	case []string:
		return each(len(s), func(i int) any { return s[i] })
	case []uint64:
		return each(len(s), func(i int) any { return s[i] })
	case []int64:
		return each(len(s), func(i int) any { return s[i] })
	case []float64:
		return each(len(s), func(i int) any { return s[i] })
	}
	return fmt.Errorf("not an array: %T", slice)
}

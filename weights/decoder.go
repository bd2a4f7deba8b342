package weights

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Caps on what a file's header may claim. They are checked before anything is
// allocated; within them, buffers still grow only as data actually arrives,
// so a short hostile file cannot make the reader allocate much.
const (
	maxTensors     = 1 << 16
	maxKV          = 1 << 16
	maxStringLen   = 64 << 20 // tokenizer JSON blobs can be a few MiB
	maxArrayLen    = 1 << 26
	maxArrayDepth  = 4
	maxDims        = 4       // GGML_MAX_DIMS
	maxElements    = 1 << 36 // per tensor
	maxTensorBytes = 1 << 36
	maxAlignment   = 1 << 16
	growChunk      = 1 << 20 // read granularity when a size is not yet trusted
)

// decoder reads little-endian fields (of GGUF or safetensors) from a stream,
// tracking the byte position for error messages and offset arithmetic.
type decoder struct {
	format string // "gguf" or "safetensors", for error messages
	r      io.Reader
	pos    int64
	size   int64 // total stream size when known, else -1
	buf    [8]byte
}

func (d *decoder) fail(what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: file truncated at byte %d while reading %s", d.format, d.pos, what)
	}
	return fmt.Errorf("%s: reading %s at byte %d: %w", d.format, what, d.pos, err)
}

func (d *decoder) full(p []byte, what string) error {
	n, err := io.ReadFull(d.r, p)
	d.pos += int64(n)
	if err != nil {
		return d.fail(what, err)
	}
	return nil
}

func (d *decoder) u32(what string) (uint32, error) {
	err := d.full(d.buf[:4], what)
	return binary.LittleEndian.Uint32(d.buf[:4]), err
}

func (d *decoder) u64(what string) (uint64, error) {
	err := d.full(d.buf[:8], what)
	return binary.LittleEndian.Uint64(d.buf[:8]), err
}

// bytes reads n bytes. Below growChunk, or when the stream's size is known
// and covers n, it allocates once; otherwise the buffer grows with the data
// that actually arrives, so a claimed size never allocates by itself.
func (d *decoder) bytes(n int64, what string) ([]byte, error) {
	if n <= growChunk || (d.size >= 0 && d.pos+n <= d.size) {
		p := make([]byte, n)
		return p, d.full(p, what)
	}
	p := make([]byte, 0, growChunk)
	for int64(len(p)) < n {
		if len(p) == cap(p) {
			c := min(n, 2*int64(cap(p)))
			p = append(make([]byte, 0, c), p...)
		}
		chunk := p[len(p):min(int64(cap(p)), int64(len(p))+growChunk)]
		if err := d.full(chunk, what); err != nil {
			return nil, err
		}
		p = p[:len(p)+len(chunk)]
	}
	return p, nil
}

func (d *decoder) skip(n int64, what string) error {
	m, err := io.CopyN(io.Discard, d.r, n)
	d.pos += m
	if err != nil {
		return d.fail(what, err)
	}
	return nil
}

func (d *decoder) str(what string) (string, error) {
	n, err := d.u64(what + " length")
	if err != nil {
		return "", err
	}
	if n > maxStringLen {
		return "", fmt.Errorf("gguf: %s at byte %d claims %d bytes (limit %d)", what, d.pos-8, n, maxStringLen)
	}
	p, err := d.bytes(int64(n), what)
	return string(p), err
}

// pad returns how many bytes take pos to a multiple of align.
func pad(pos, align int64) int64 { return (align - pos%align) % align }

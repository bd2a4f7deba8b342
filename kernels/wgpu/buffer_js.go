//go:build js

package wgpu

import (
	"fmt"
	"syscall/js"
)

// Buffer is a GPUBuffer.
type Buffer struct {
	js    js.Value
	size  uint64
	usage BufferUsage
}

// Size returns the buffer's size in bytes.
func (b *Buffer) Size() uint64 { return b.size }

// Usage returns the buffer's usage flags.
func (b *Buffer) Usage() BufferUsage { return b.usage }

// MapAsync maps [offset, offset+size) and waits until it is mapped. Work
// submitted before it that writes the buffer has finished when it returns.
func (b *Buffer) MapAsync(mode MapMode, offset, size uint64) error {
	var p js.Value
	if err := catch(func() { p = b.js.Call("mapAsync", uint32(mode), float64(offset), float64(size)) }); err != nil {
		return fmt.Errorf("wgpu: mapAsync: %w", err)
	}
	if _, err := await(p); err != nil {
		return fmt.Errorf("wgpu: mapAsync: %w", err)
	}
	return nil
}

// CopyMappedRange copies len(dst) bytes of the mapped buffer, starting at
// offset, into dst. The buffer must be mapped over that range.
func (b *Buffer) CopyMappedRange(dst []byte, offset uint64) error {
	return catch(func() {
		ab := b.js.Call("getMappedRange", float64(offset), len(dst))
		js.CopyBytesToGo(dst, uint8Array.New(ab))
	})
}

// Unmap releases the mapping.
func (b *Buffer) Unmap() { b.js.Call("unmap") }

// Destroy frees the buffer's memory once submitted work using it is done.
func (b *Buffer) Destroy() { b.js.Call("destroy") }

//go:build js

package wgpu

import (
	"fmt"
	"runtime"
	"sync"
	"syscall/js"
	"unsafe"
)

var uint8Array = js.Global().Get("Uint8Array")

// writeFromMemory(queue, buffer, offset, memory, ptr, n) writes n bytes of
// wasm memory at ptr into buffer, taking memory.buffer at call time.
var writeFromMemory = js.Global().Get("Function").New("q", "b", "off", "mem", "ptr", "n",
	"q.writeBuffer(b, off, mem.buffer, ptr, n)")

// readMemory(memory, ptr, n) returns a copy of n bytes of wasm memory at ptr.
var readMemory = js.Global().Get("Function").New("mem", "ptr", "n",
	"return new Uint8Array(mem.buffer, ptr, n).slice()")

// Queue is a GPUQueue.
type Queue struct {
	js          js.Value
	writeBuffer js.Value
	submit      js.Value
	staging     js.Value // reused Uint8Array when zero-copy is unavailable
	stagingLen  int
}

func newQueue(v js.Value) *Queue {
	return &Queue{js: v, writeBuffer: bind(v, "writeBuffer"), submit: bind(v, "submit")}
}

// WriteBuffer copies data into buf at offset (both multiples of 4). The
// write happens on the queue timeline before any later Submit.
//
// When the page (or scripts/dawn-preload.mjs) published the Go instance's
// memory as globalThis.genplayWasmMemory, data goes to WebGPU as a view on
// wasm memory with no intermediate copy; otherwise it is copied into a
// reused staging array first.
func (q *Queue) WriteBuffer(buf *Buffer, offset uint64, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	return catch(func() {
		if mem, ok := wasmMemory(); ok {
			// mem.buffer is read inside JavaScript, in the same call as
			// writeBuffer: Go allocates while it converts call arguments,
			// which can grow the memory and detach a buffer fetched earlier.
			writeFromMemory.Invoke(q.js, buf.js, float64(offset), mem, uintptr(unsafe.Pointer(&data[0])), len(data))
			runtime.KeepAlive(data) // only a uintptr went to JavaScript
			return
		}
		if q.stagingLen < len(data) {
			q.stagingLen = max(len(data), 2*q.stagingLen)
			q.staging = uint8Array.New(q.stagingLen)
		}
		js.CopyBytesToJS(q.staging, data)
		q.writeBuffer.Invoke(buf.js, float64(offset), q.staging, 0, len(data))
	})
}

// Submit queues command buffers for execution.
func (q *Queue) Submit(cmds ...*CommandBuffer) {
	list := make([]any, len(cmds))
	for i, c := range cmds {
		list[i] = c.js
	}
	q.submit.Invoke(list)
}

// OnSubmittedWorkDone waits until all work submitted so far has finished.
func (q *Queue) OnSubmittedWorkDone() error {
	if _, err := await(q.js.Call("onSubmittedWorkDone")); err != nil {
		return fmt.Errorf("wgpu: onSubmittedWorkDone: %w", err)
	}
	return nil
}

var (
	memOnce sync.Once
	memJS   js.Value
	memOK   bool
)

// wasmMemory returns the WebAssembly.Memory published by the host, after
// checking once that it really is this program's memory: a probe slice is
// read back through a view and must match.
func wasmMemory() (js.Value, bool) {
	memOnce.Do(func() {
		m := js.Global().Get("genplayWasmMemory")
		if m.Type() != js.TypeObject {
			return
		}
		probe := []byte("genplay wasm memory probe 7f3a")
		_ = catch(func() {
			view := readMemory.Invoke(m, uintptr(unsafe.Pointer(&probe[0])), len(probe))
			for i, c := range probe {
				if view.Index(i).Int() != int(c) {
					return
				}
			}
			memJS, memOK = m, true
		})
	})
	return memJS, memOK
}

// ZeroCopyWrites reports whether WriteBuffer uses views on wasm memory.
func ZeroCopyWrites() bool {
	_, ok := wasmMemory()
	return ok
}

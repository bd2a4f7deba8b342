//go:build js

package main

import (
	"errors"
	"fmt"
	"syscall/js"
	"unsafe"
)

// tfjs is the bridge to bench/tfjs.mjs, which Node loads (with --import)
// before this program and which sets globalThis.genplayTFJS. The script
// runs tfjs-backend-webgpu on the same GPUDevice as our backend: it records
// the device that our webgpu.New requests, so init must come after New.
type tfjs struct{ api js.Value }

func openTFJS() (*tfjs, string, error) {
	api := js.Global().Get("genplayTFJS")
	if api.Type() != js.TypeObject {
		return nil, "", errors.New("no globalThis.genplayTFJS: run through bench/gpubench.sh (node --import bench/tfjs.mjs)")
	}
	info, err := await(api.Call("init"))
	if err != nil {
		return nil, "", err
	}
	return &tfjs{api}, info.String(), nil
}

// tfjsRun is one op prepared in tfjs: its checked output, and a timer.
type tfjsRun struct {
	out        []float32
	dispatches int // compute dispatches of one run
	handle     js.Value
}

// prepare has tfjs upload op's inputs, run it once (the output comes back
// for the caller to compare with the reference) and warm up.
func (t *tfjs) prepare(op tfjsOp) (*tfjsRun, error) {
	ins := js.Global().Get("Array").New()
	for _, h := range op.Inputs {
		shape := js.Global().Get("Array").New()
		for _, d := range h.Shape {
			shape.Call("push", d)
		}
		ins.Call("push", map[string]any{"shape": shape, "data": float32Array(h.Data)})
	}
	params := js.Global().Get("Object").New()
	for k, v := range op.Params {
		params.Set(k, v)
	}
	h, err := await(t.api.Call("prepare", op.Op, params, ins))
	if err != nil {
		return nil, err
	}
	return &tfjsRun{out: goFloats(h.Get("out")), dispatches: h.Get("dispatches").Int(), handle: h}, nil
}

// time runs the op reps times back to back, submits tfjs's commands and
// waits for the queue once, and returns the milliseconds of it all (the
// caller divides by reps).
func (r *tfjsRun) time(reps int) (float64, error) {
	v, err := await(r.handle.Call("time", reps))
	if err != nil {
		return 0, err
	}
	return v.Float(), nil
}

func (r *tfjsRun) release() { r.handle.Call("release") }

func float32Array(x []float32) js.Value {
	u8 := js.Global().Get("Uint8Array").New(4 * len(x))
	if len(x) > 0 {
		js.CopyBytesToJS(u8, unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x)))
	}
	return js.Global().Get("Float32Array").New(u8.Get("buffer"))
}

func goFloats(f32 js.Value) []float32 {
	n := f32.Length()
	out := make([]float32, n)
	if n > 0 {
		u8 := js.Global().Get("Uint8Array").New(f32.Get("buffer"), f32.Get("byteOffset"), 4*n)
		js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 4*n), u8)
	}
	return out
}

// await blocks the calling goroutine (never a js.FuncOf callback) until p
// settles.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var onOK, onErr js.Func
	onOK = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := args[0].String()
		if m := args[0].Get("message"); m.Type() == js.TypeString {
			msg = m.String()
		}
		ch <- result{err: fmt.Errorf("tfjs: %s", msg)}
		return nil
	})
	p.Call("then", onOK, onErr)
	r := <-ch
	onOK.Release()
	onErr.Release()
	return r.v, r.err
}

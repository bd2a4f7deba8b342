//go:build js

package wgpu

import (
	"errors"
	"syscall/js"
)

// await blocks the calling goroutine until the promise settles. The
// callbacks only send on a buffered channel, so they never block the
// JavaScript event loop; both are released once the promise has settled.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{err: jsError(v)}
		return nil
	})
	p.Call("then", onOK, onErr)
	r := <-ch
	onOK.Release()
	onErr.Release()
	return r.v, r.err
}

// jsError turns a thrown JavaScript value into a Go error.
func jsError(v js.Value) error {
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString {
			return errors.New(m.String())
		}
	}
	if v.IsUndefined() || v.IsNull() {
		return errors.New("unknown JavaScript error")
	}
	return errors.New(v.Call("toString").String())
}

// catch runs f and turns a JavaScript exception (which syscall/js raises as
// a Go panic carrying a js.Error) into an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = errors.New(je.Value.Get("message").String())
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

func str(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

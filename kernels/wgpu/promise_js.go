//go:build js

package wgpu

import (
	"errors"
	"syscall/js"
)

// await blocks the calling goroutine until the promise settles.
func await(p js.Value) (js.Value, error) {
	r := <-watch(p)
	return r.v, r.err
}

// settled is a promise's outcome: its value, or the error it was rejected
// with.
type settled struct {
	v   js.Value
	err error
}

// watch returns at once with the channel p's outcome will arrive on, so
// that a caller can start several promises before waiting on any. The
// callbacks only send on a buffered channel, so they never block the
// JavaScript event loop, and they release themselves once p has settled.
func watch(p js.Value) <-chan settled {
	ch := make(chan settled, 1)
	var onOK, onErr js.Func
	done := func(r settled) {
		ch <- r
		onOK.Release()
		onErr.Release()
	}
	onOK = js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		done(settled{v: v})
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		done(settled{err: jsError(v)})
		return nil
	})
	p.Call("then", onOK, onErr)
	return ch
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

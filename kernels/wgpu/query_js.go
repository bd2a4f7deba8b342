//go:build js

package wgpu

import (
	"fmt"
	"syscall/js"
)

// QuerySet is a GPUQuerySet: slots that passes write GPU timestamps into
// (see ComputePassTimestampWrites) and that CommandEncoder.ResolveQuerySet
// copies into a buffer.
type QuerySet struct {
	js    js.Value
	typ   QueryType
	count uint32
}

// CreateQuerySet creates a query set. A timestamp set needs a device made
// with FeatureTimestampQuery; without it WebGPU reports a validation error,
// returned here.
func (d *Device) CreateQuerySet(desc *QuerySetDescriptor) (*QuerySet, error) {
	o := js.Global().Get("Object").New()
	o.Set("label", desc.Label)
	o.Set("type", string(desc.Type))
	o.Set("count", desc.Count)
	d.PushErrorScope(ErrorFilterValidation)
	var v js.Value
	jerr := catch(func() { v = d.js.Call("createQuerySet", o) })
	if err := d.PopErrorScope(); err != nil {
		return nil, fmt.Errorf("wgpu: query set %q: %w", desc.Label, err)
	}
	if jerr != nil {
		return nil, fmt.Errorf("wgpu: query set %q: %w", desc.Label, jerr)
	}
	return &QuerySet{js: v, typ: desc.Type, count: desc.Count}, nil
}

// Type returns the set's query type.
func (q *QuerySet) Type() QueryType { return q.typ }

// Count returns the number of slots.
func (q *QuerySet) Count() uint32 { return q.count }

// Destroy frees the set once submitted work using it is done.
func (q *QuerySet) Destroy() { q.js.Call("destroy") }

// ComputePassDescriptor is GPUComputePassDescriptor.
type ComputePassDescriptor struct {
	Label string
	// TimestampWrites, when set, has the pass write GPU timestamps as it
	// begins and ends (needs FeatureTimestampQuery).
	TimestampWrites *ComputePassTimestampWrites
}

// ComputePassTimestampWrites is GPUComputePassTimestampWrites: which slots
// of a timestamp QuerySet the pass writes. A nil index writes nothing at
// that end; the two indices must differ.
type ComputePassTimestampWrites struct {
	QuerySet                  *QuerySet
	BeginningOfPassWriteIndex *uint32
	EndOfPassWriteIndex       *uint32
}

// object builds the GPUComputePassDescriptor, or undefined for none.
func (desc *ComputePassDescriptor) object() js.Value {
	if desc == nil || (desc.Label == "" && desc.TimestampWrites == nil) {
		return js.Undefined()
	}
	o := js.Global().Get("Object").New()
	if desc.Label != "" {
		o.Set("label", desc.Label)
	}
	if tw := desc.TimestampWrites; tw != nil {
		w := js.Global().Get("Object").New()
		w.Set("querySet", tw.QuerySet.js)
		if tw.BeginningOfPassWriteIndex != nil {
			w.Set("beginningOfPassWriteIndex", *tw.BeginningOfPassWriteIndex)
		}
		if tw.EndOfPassWriteIndex != nil {
			w.Set("endOfPassWriteIndex", *tw.EndOfPassWriteIndex)
		}
		o.Set("timestampWrites", w)
	}
	return o
}

// ResolveQuerySet writes queryCount results, from slot firstQuery on, into
// dst at dstOffset as little-endian uint64s (QueryResultSize bytes each).
// dst needs BufferUsageQueryResolve and dstOffset must be a multiple of
// QueryResolveAlignment. Read a slot only after a pass wrote it: what an
// unwritten slot resolves to is not worth relying on (Dawn gives 0).
func (e *CommandEncoder) ResolveQuerySet(q *QuerySet, firstQuery, queryCount uint32, dst *Buffer, dstOffset uint64) {
	e.js.Call("resolveQuerySet", q.js, firstQuery, queryCount, dst.js, float64(dstOffset))
}

// Package selftest is genplay's one op table: every op of kernels.Backend on
// several awkward shapes, run on seeded random inputs and compared with the
// reference ops in kernels/ref by normalized mean squared error. The native
// CPU tests, the WebGPU tests under Node and the in-page self-test all run
// this same table (after ggml's test-backend-ops), so the package builds for
// js/wasm and does not import testing.
//
// The same case constructors, with larger shapes, make the benchmark table
// (BenchCases), which counts each case's floating-point operations and
// bytes so that every backend's bench reports comparable throughputs.
package selftest

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights/quant"
)

// Case is one op on one shape.
type Case struct {
	Op, Shape string
	// FLOPs and Bytes are the work of one run: floating-point operations
	// (a multiply-add counts 2) and bytes of inputs read plus outputs
	// written. Either may be 0 when it is not the measure of that op.
	FLOPs, Bytes float64

	tol   float64
	build func(e *env) op
}

// op is a case made concrete on one backend: inputs uploaded, the op ready to
// run, and its reference answer.
type op struct {
	run   func() kernels.Tensor
	want  func() []float32 // computed by kernels/ref on the same inputs
	shape []int            // the shape run's result must have
}

// Result is the outcome of one case on one backend.
type Result struct {
	Op, Shape string
	// NMSE is Σ(got−want)² / Σwant²; MaxAbs is max |got−want|.
	NMSE, MaxAbs, Tol float64
	Pass              bool
	// Err is set when the case could not run: an upload or download error,
	// a panic in the backend, or a result of the wrong shape.
	Err error
}

func (r Result) String() string {
	status := "ok  "
	if !r.Pass {
		status = "FAIL"
	}
	s := fmt.Sprintf("%s %-18s %-44s nmse %.2e (tol %.0e) maxabs %.2e", status, r.Op, r.Shape, r.NMSE, r.Tol, r.MaxAbs)
	if r.Err != nil {
		s += " error: " + r.Err.Error()
	}
	return s
}

// Run runs c on b and compares the result with the reference. It never
// panics: a panic in the backend comes back as Err.
func Run(b kernels.Backend, c Case) (res Result) {
	res = Result{Op: c.Op, Shape: c.Shape, Tol: c.tol, NMSE: math.Inf(1), MaxAbs: math.Inf(1)}
	e := newEnv(b, c)
	defer e.free()
	defer func() {
		if r := recover(); r != nil {
			res.Pass = false
			if se, ok := r.(setupError); ok {
				res.Err = se.err
			} else {
				res.Err = fmt.Errorf("panic: %v", r)
			}
		}
	}()
	o := c.build(e)
	t := o.run()
	if t == nil {
		res.Err = fmt.Errorf("the op returned no tensor")
		return res
	}
	e.keep(t)
	if s := t.Shape(); !slices.Equal(s, o.shape) {
		res.Err = fmt.Errorf("result shape %v, want %v", s, o.shape)
		return res
	}
	got, err := b.Download(t)
	if err != nil {
		res.Err = err
		return res
	}
	want := o.want()
	if len(got) != len(want) {
		res.Err = fmt.Errorf("result has %d values, want %d", len(got), len(want))
		return res
	}
	res.NMSE, res.MaxAbs = NMSE(got, want), MaxAbs(got, want)
	res.Pass = res.NMSE <= c.tol
	return res
}

// RunAll runs every case of Cases on b.
func RunAll(b kernels.Backend) []Result {
	var out []Result
	for _, c := range Cases() {
		out = append(out, Run(b, c))
	}
	return out
}

// NMSE returns the normalized mean squared error Σ(got−want)² / Σwant²
// (the plain squared error when want is all zeros), and +Inf when the
// lengths differ or got holds a NaN or infinity.
func NMSE(got, want []float32) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var num, den float64
	for i, g := range got {
		if math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
			return math.Inf(1)
		}
		d := float64(g) - float64(want[i])
		num += d * d
		den += float64(want[i]) * float64(want[i])
	}
	if den == 0 {
		return num
	}
	return num / den
}

// MaxAbs returns max |got[i]−want[i]|, +Inf when the lengths differ or got
// holds a NaN.
func MaxAbs(got, want []float32) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var m float64
	for i, g := range got {
		d := math.Abs(float64(g) - float64(want[i]))
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		m = max(m, d)
	}
	return m
}

// env gives a case's build function seeded random inputs on one backend
// and frees every tensor it made when the case is done.
type env struct {
	b       kernels.Backend
	rng     *rand.Rand
	tensors []kernels.Tensor
}

// setupError carries an upload failure out of a build function.
type setupError struct{ err error }

func newEnv(b kernels.Backend, c Case) *env {
	h := fnv.New64a()
	h.Write([]byte(c.Op + " " + c.Shape))
	return &env{b: b, rng: rand.New(rand.NewPCG(h.Sum64(), 0x6e6e))}
}

func (e *env) keep(t kernels.Tensor) {
	if t != nil {
		e.tensors = append(e.tensors, t)
	}
}

func (e *env) free() {
	defer func() { _ = recover() }() // a broken backend's Free must not hide the result
	for _, t := range e.tensors {
		e.b.Free(t)
	}
}

// random returns n uniform values in [−scale, scale).
func (e *env) random(n int, scale float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = (2*e.rng.Float32() - 1) * scale
	}
	return x
}

// f32 uploads a random tensor of the given shape with values in [−scale, scale).
func (e *env) f32(name string, scale float32, shape ...int) (kernels.Tensor, []float32) {
	return e.f32Around(name, 0, scale, shape...)
}

// f32Around is f32 with values in [center−scale, center+scale): the norms
// get inputs with a large mean, which a one-pass variance gets wrong.
func (e *env) f32Around(name string, center, scale float32, shape ...int) (kernels.Tensor, []float32) {
	x := e.random(numel(shape), scale)
	for i := range x {
		x[i] += center
	}
	t, err := e.b.Upload(name, shape, x)
	if err != nil {
		panic(setupError{err})
	}
	e.keep(t)
	return t, x
}

// raw uploads a random tensor stored as dt and returns its GGML bytes, which
// the reference dequantizes: both sides see the same quantized weights.
func (e *env) raw(name string, dt quant.DType, shape ...int) (kernels.Tensor, []byte) {
	b, err := quant.Quantize(dt, e.random(numel(shape), 1))
	if err != nil {
		panic(setupError{err})
	}
	t, err := e.b.UploadRaw(name, shape, dt, b)
	if err != nil {
		panic(setupError{err})
	}
	e.keep(t)
	return t, b
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

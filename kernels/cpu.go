package kernels

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/genplay/genplay/weights/quant"
)

// cpu is the native Backend: plain Go loops split over goroutines. Tensors
// live in host memory, so Upload and Download are copies and every op has
// finished when it returns.
type cpu struct {
	threads int
	grain   int // operations below which a job is not worth another goroutine

	mu  sync.Mutex
	err error // first sticky error
}

// cpuTensor is a CPU tensor. F32 data (including F16 and BF16 weights, which
// are widened on upload) lives in f32; Q8_0 and Q4_0 weights keep their GGML
// blocks in raw, and the ops that take them decode block by block.
type cpuTensor struct {
	name  string
	shape []int
	dt    quant.DType // storage type: F32, Q8_0 or Q4_0
	src   quant.DType // type it was uploaded as (F16 and BF16 are stored as F32)
	f32   []float32
	raw   []byte
}

func (t *cpuTensor) Name() string       { return t.name }
func (t *cpuTensor) Shape() []int       { return append([]int(nil), t.shape...) }
func (t *cpuTensor) DType() quant.DType { return t.dt }

// NewCPU returns the CPU backend using up to threads goroutines per op
// (threads <= 0 means runtime.GOMAXPROCS(0)).
func NewCPU(threads int) Backend {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	return &cpu{threads: threads, grain: 1 << 14}
}

func (c *cpu) Name() string {
	if c.threads == 1 {
		return "cpu (1 thread)"
	}
	return fmt.Sprintf("cpu (%d threads)", c.threads)
}

// numel returns the product of shape, or an error for a negative dimension.
func numel(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		n *= d
	}
	return n, nil
}

func (c *cpu) Upload(name string, shape []int, data []float32) (Tensor, error) {
	n, err := numel(shape)
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w", name, err)
	}
	if n != len(data) {
		return nil, fmt.Errorf("upload %s: shape %v needs %d values, got %d", name, shape, n, len(data))
	}
	return &cpuTensor{name: name, shape: append([]int(nil), shape...), dt: quant.F32, f32: append([]float32(nil), data...)}, nil
}

func (c *cpu) UploadRaw(name string, shape []int, dt quant.DType, raw []byte) (Tensor, error) {
	n, err := numel(shape)
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w", name, err)
	}
	size, err := dt.RowBytes(int64(n))
	if err != nil {
		return nil, fmt.Errorf("upload %s %v: %w", name, shape, err)
	}
	if int64(len(raw)) != size {
		return nil, fmt.Errorf("upload %s: %v %v needs %d bytes, got %d", name, dt, shape, size, len(raw))
	}
	t := &cpuTensor{name: name, shape: append([]int(nil), shape...), dt: dt, src: dt}
	switch dt {
	case quant.Q8_0, quant.Q4_0:
		if len(shape) == 0 || shape[len(shape)-1]%quant.BlockSize != 0 {
			return nil, fmt.Errorf("upload %s: %v needs a last dimension that is a multiple of %d, shape is %v", name, dt, quant.BlockSize, shape)
		}
		t.raw = append([]byte(nil), raw...)
	default:
		// F32, F16 and BF16 are widened once here: the ops then have one f32 path.
		if t.f32, err = quant.Dequantize(dt, raw, n); err != nil {
			return nil, fmt.Errorf("upload %s: %w", name, err)
		}
		t.dt = quant.F32
	}
	return t, nil
}

func (c *cpu) Download(t Tensor) ([]float32, error) {
	ct := c.tensor("Download", t)
	if err := c.Err(); err != nil {
		return nil, err
	}
	if ct.raw != nil {
		return quant.Dequantize(ct.dt, ct.raw, len(ct.raw)/blockBytes(ct.dt)*quant.BlockSize)
	}
	return append([]float32(nil), ct.f32...), nil
}

func (c *cpu) Free(t Tensor) {
	ct := c.tensor("Free", t)
	ct.f32, ct.raw = nil, nil
}

func (c *cpu) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// fail records the first sticky error.
func (c *cpu) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// tensor unwraps a tensor made by this backend, panicking on anything else.
func (c *cpu) tensor(op string, t Tensor) *cpuTensor {
	ct, ok := t.(*cpuTensor)
	if !ok || ct == nil {
		panic(fmt.Sprintf("kernels: %s: tensor %v was not made by the CPU backend", op, t))
	}
	return ct
}

// input unwraps an f32 input tensor; quantized tensors are only accepted by
// MatMul and Embedding.
func (c *cpu) input(op string, t Tensor) *cpuTensor {
	ct := c.tensor(op, t)
	if ct.dt != quant.F32 {
		panic(fmt.Sprintf("kernels: %s: %s is %v %v, this op needs F32", op, ct.name, ct.dt, ct.shape))
	}
	return ct
}

// output makes a new f32 result tensor.
func output(op string, shape []int) *cpuTensor {
	n, _ := numel(shape)
	return &cpuTensor{name: op, shape: shape, dt: quant.F32, f32: make([]float32, n)}
}

func blockBytes(dt quant.DType) int {
	_, b, _ := dt.BlockBytes()
	return b
}

// parallel splits [0, n) into contiguous ranges and runs f on them in up to
// c.threads goroutines. cost is a rough count of operations per item: small
// jobs run on the calling goroutine, where spawning would cost more than it saves.
func (c *cpu) parallel(n, cost int, f func(lo, hi int)) {
	workers := c.threads
	if w := n * cost / c.grain; w < workers {
		workers = w
	}
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	// The calling goroutine takes the last range itself: one hand-off
	// fewer per op, which shows in a decode step's many small ops.
	var wg sync.WaitGroup
	for w := 0; w < workers-1; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	f(n*(workers-1)/workers, n)
	wg.Wait()
}

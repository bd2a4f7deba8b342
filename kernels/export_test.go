package kernels

// NewCPUGrain is NewCPU with the smallest job (in rough operations) worth a
// goroutine set to grain, so tests can make tiny ops split across threads.
func NewCPUGrain(threads, grain int) Backend {
	return &cpu{threads: threads, grain: grain}
}

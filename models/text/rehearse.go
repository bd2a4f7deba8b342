package text

// Rehearse runs through the model, once each, the passes that generating
// a short prompt takes, on a throwaway cache, and drops what they return:
// a prompt of 8 tokens, then a decoded token. webgpu.Backend.Precompile
// records it so as to compile the kernels of those passes before the
// first real prompt; on the CPU it is just two forward passes.
//
// Not also a long prompt: backends choose matmul tiles by the number of
// rows, and on SwiftShader prompts of 33 tokens or more take a variant
// that costs 2.6 s to compile, which every load would pay for prompts few
// people type (BENCHMARKS.md); a long prompt compiles it when first used.
func (m *Model) Rehearse() error {
	c := m.NewCache()
	defer c.Reset()
	n := min(8, m.Config.ContextLength-1) // room for the decoded token
	if n < 1 {
		return nil // a context of one position decodes nothing
	}
	if _, err := m.forwardLast(make([]int32, n), c); err != nil {
		return err
	}
	_, err := m.forwardLast([]int32{0}, c)
	return err
}

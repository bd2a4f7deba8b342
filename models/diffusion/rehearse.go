package diffusion

// Rehearse runs the UNet once at each batch size a sampling step uses (1,
// and 2 for classifier-free guidance) on zeros, and drops what it returns.
// webgpu.Backend.Precompile records it so as to compile every kernel of a
// step before the first real one; on the CPU it is just two forward passes.
func (u *UNet) Rehearse() error {
	c := u.Config
	plane := c.InChannels * c.SampleSize * c.SampleSize
	for _, n := range []int{1, 2} {
		t, classes := make([]int, n), make([]int, n)
		for i := range classes {
			classes[i] = c.NullClass()
		}
		if _, err := u.Forward(make([]float32, n*plane), t, classes); err != nil {
			return err
		}
	}
	return nil
}

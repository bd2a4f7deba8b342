package diffusion

import (
	"math"
	"math/bits"
)

// Rand is the deterministic noise source behind a seed: the same seed gives
// the same x_T and the same per-step noise natively, in the browser and on
// any backend, because it runs in Go on the host, never on the device.
//
// Definition (so other implementations can reproduce it):
//   - state: xoshiro256** (Blackman and Vigna), its four words filled by
//     SplitMix64 started at the seed;
//   - uniform: u = (next() >> 11) · 2⁻⁵³, in [0, 1);
//   - normal: Box-Muller on two uniforms, u1 = 1 − u (in (0, 1], so the log
//     is finite) then u2 = u: r = √(−2 ln u1), first r·cos(2π u2), then
//     r·sin(2π u2); the pair is used in that order;
//   - float32 values are the float64 normals rounded to nearest.
//
// The float64 arithmetic is written so the compiler cannot fuse it into FMA
// instructions, and Go's math.Log, Cos and Sin are pure Go on amd64 and
// wasm, so those two give bit-identical streams (TestRandPinned pins it).
//
// Generate draws x_T first, then one full-size noise tensor before every
// step, whether or not the sampler uses it, so a seed's x_T and noise do not
// depend on the sampler.
type Rand struct {
	s     [4]uint64
	spare float64
	has   bool
}

// NewRand seeds a generator.
func NewRand(seed uint64) *Rand {
	r := &Rand{}
	for i := range r.s {
		seed += 0x9e3779b97f4a7c15
		z := seed
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		r.s[i] = z ^ (z >> 31)
	}
	return r
}

// Uint64 is xoshiro256**'s next output.
func (r *Rand) Uint64() uint64 {
	s := &r.s
	out := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return out
}

// Float64 is uniform in [0, 1) with 53 random bits.
func (r *Rand) Float64() float64 {
	return float64(r.Uint64()>>11) * (1.0 / (1 << 53))
}

// Normal is a standard normal value (Box-Muller, see the type comment).
func (r *Rand) Normal() float64 {
	if r.has {
		r.has = false
		return r.spare
	}
	u1 := 1 - r.Float64()
	u2 := r.Float64()
	rad := math.Sqrt(float64(-2 * math.Log(u1)))
	angle := float64(2 * math.Pi * u2)
	r.spare, r.has = float64(rad*math.Sin(angle)), true
	return float64(rad * math.Cos(angle))
}

// Normals returns n standard normal float32 values.
func (r *Rand) Normals(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(r.Normal())
	}
	return out
}

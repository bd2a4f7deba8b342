package text

import "github.com/genplay/genplay/kernels"

// KVCache holds every layer's keys and values, [1, Len, KVHeads·HeadDim],
// for the positions run so far, so that a decode step computes one token's
// keys and values and attends to all earlier ones.
//
// A step appends with kernels.AppendRows: in place on backends that
// implement it (amortized O(rows added), no dispatch on WebGPU), else a
// ConcatChannels copy of the whole cache.
type KVCache struct {
	b     kernels.Backend
	k, v  []kernels.Tensor // per layer; nil before the first token
	n     int
	probe *AttentionProbe // see SetProbe
}

// SetProbe makes every forward pass through this cache record attention
// probabilities into p (nil stops it).
func (c *KVCache) SetProbe(p *AttentionProbe) { c.probe = p }

// observe hands layer i's queries (taken out of scope s) and whole key
// cache to the probe, when one is set for that layer, until readBack.
func (c *KVCache) observe(s *scope, i int, cfg Config, q, k kernels.Tensor) {
	if p := c.probe; p != nil && p.Layer == i && p.Err == nil {
		s.retain(q)
		p.held, p.cfg = []kernels.Tensor{q, k}, cfg
	}
}

// readBack downloads a pass's logits and, with them, what the probe held.
func (c *KVCache) readBack(logits kernels.Tensor) ([]float32, error) {
	p := c.probe
	if p == nil || p.held == nil {
		return c.b.Download(logits)
	}
	q, k := p.held[0], p.held[1]
	p.held = nil
	defer c.b.Free(q)
	vs, err := kernels.DownloadAll(c.b, logits, q, k)
	if err != nil {
		p.Err = err
		return nil, err
	}
	p.record(vs[1], vs[2])
	return vs[0], nil
}

// NewCache returns an empty cache for m.
func (m *Model) NewCache() *KVCache {
	return &KVCache{b: m.b, k: make([]kernels.Tensor, m.Config.Layers), v: make([]kernels.Tensor, m.Config.Layers)}
}

// Len returns the number of positions cached.
func (c *KVCache) Len() int { return c.n }

// append adds the keys and values k, v [1, L, KV] of layer i (temporaries of
// scope s) and returns the layer's whole cache.
func (c *KVCache) append(s *scope, i int, k, v kernels.Tensor) (kernels.Tensor, kernels.Tensor) {
	if c.k[i] == nil {
		s.retain(k)
		s.retain(v)
		c.k[i], c.v[i] = k, v
		return k, v
	}
	c.k[i] = kernels.AppendRows(c.b, c.k[i], k)
	c.v[i] = kernels.AppendRows(c.b, c.v[i], v)
	return c.k[i], c.v[i]
}

// Reset empties the cache, freeing its tensors.
func (c *KVCache) Reset() {
	for i := range c.k {
		if c.k[i] != nil {
			c.b.Free(c.k[i])
			c.b.Free(c.v[i])
		}
		c.k[i], c.v[i] = nil, nil
	}
	c.n = 0
}

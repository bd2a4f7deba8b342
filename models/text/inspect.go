package text

import (
	"fmt"
	"math"
	"sort"

	"github.com/genplay/genplay/kernels"
)

// Inspection: what the text page shows beside the generated text. Both
// hooks are opt-in fields of GenerateOptions and cost nothing when unset.

// Candidate is one possible next token and the model's probability for it.
type Candidate struct {
	ID   int32
	Prob float32
}

// StepInfo describes one generated token: its index among the generated
// tokens, the token chosen, and the most likely candidates at that step,
// most likely first. The probabilities are the model's own (softmax of the
// raw logits at temperature 1, before the repetition penalty, temperature,
// top-k and top-p), so they say what the model predicted, not what the
// sampler drew from.
type StepInfo struct {
	Index      int
	Token      int32
	Candidates []Candidate
}

// TopCandidates returns the n most likely tokens of logits [vocab] with
// their softmax probabilities (ties by id, so the order is deterministic).
func TopCandidates(logits []float32, n int) []Candidate {
	n = min(n, len(logits))
	if n <= 0 {
		return nil
	}
	top := logits[argmaxLogit(logits)]
	var sum float64 // float32 exps (a whole vocabulary's, every token), a float64 sum
	for _, v := range logits {
		sum += float64(kernels.Exp32(v - top))
	}
	// A partial selection: keep the best n seen so far, sorted.
	best := make([]Candidate, 0, n+1)
	for i, v := range logits {
		if len(best) == n && v <= logits[best[n-1].ID] {
			continue
		}
		c := Candidate{ID: int32(i), Prob: float32(float64(kernels.Exp32(v-top)) / sum)}
		at := sort.Search(len(best), func(j int) bool { return logits[best[j].ID] < v })
		best = append(best, Candidate{})
		copy(best[at+1:], best[at:])
		best[at] = c
		if len(best) > n {
			best = best[:n]
		}
	}
	return best
}

// AttentionProbe records the attention probabilities of one layer and
// query head while the model runs. Row p of Rows holds what position p
// attended to: p+1 probabilities over positions 0..p (causal), summing to 1.
//
// The Backend's Attention op returns only the attended values, not the
// probabilities, so the probe recomputes them on the host: at its layer it
// keeps the rotated queries of the new positions and the layer's key cache
// until the pass reads its logits back, and reads them with the logits
// (kernels.DownloadAll: one wait for the device on WebGPU, where a read-back
// in the middle of the pass would stall it, and in a browser cost a round
// trip to the GPU process), then takes softmax(q·k/√D) for its head.
type AttentionProbe struct {
	Layer, Head int
	Rows        [][]float32
	Err         error // the first download error; recording stops after it

	held []kernels.Tensor // this pass's queries (the probe's to free) and key cache
	cfg  Config
}

// Check refuses a layer or head outside c.
func (p *AttentionProbe) Check(c Config) error {
	if p.Layer < 0 || p.Layer >= c.Layers {
		return fmt.Errorf("attention layer %d is out of range [0, %d]", p.Layer, c.Layers-1)
	}
	if p.Head < 0 || p.Head >= c.Heads {
		return fmt.Errorf("attention head %d is out of range [0, %d]", p.Head, c.Heads-1)
	}
	return nil
}

// record adds the rows of the new positions: qs [1, L, Heads·D] holds
// their queries, ks [1, T, KVHeads·D] every cached key including theirs.
func (p *AttentionProbe) record(qs, ks []float32) {
	c := p.cfg
	d := c.HeadDim
	l, t := len(qs)/(c.Heads*d), len(ks)/(c.KVHeads*d)
	kvh := p.Head / (c.Heads / c.KVHeads)
	scale := 1 / math.Sqrt(float64(d))
	for j := 0; j < l; j++ {
		pos := t - l + j
		qrow := qs[(j*c.Heads+p.Head)*d:][:d]
		row := make([]float32, pos+1)
		s := make([]float64, pos+1)
		top := math.Inf(-1)
		for i := range s {
			krow := ks[(i*c.KVHeads+kvh)*d:][:d]
			var dot float64
			for x := range qrow {
				dot += float64(qrow[x]) * float64(krow[x])
			}
			s[i] = dot * scale
			top = max(top, s[i])
		}
		var sum float64
		for i := range s {
			s[i] = math.Exp(s[i] - top)
			sum += s[i]
		}
		for i := range s {
			row[i] = float32(s[i] / sum)
		}
		p.Rows = append(p.Rows, row)
	}
}

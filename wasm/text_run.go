//go:build js

package main

import (
	"context"
	"time"

	"github.com/genplay/genplay/models/text"
)

// candidatesShown is how many candidates a hovered token lists.
const candidatesShown = 10

// start runs the current settings in a goroutine: tokens stream into the
// page as they come, each with its top candidates; the heatmap follows.
// Stop cancels ctx, which the emit callback returns between tokens.
func (a *textApp) start() {
	a.stopRun()
	a.runID++
	id := a.runID
	ctx, cancel := context.WithCancel(context.Background())
	a.runCancel = cancel
	done := make(chan struct{})
	a.runDone = done
	s, m, ui := a.settings, a.model, a.ui
	ui.message("")
	ui.notice("")
	ui.clearOutput(s.Prompt)
	a.setPhase(phaseRunning)
	a.ui.setURL(s)

	backend := a.backend
	a.view.startRun()
	go func() {
		defer close(done)
		endProfile := a.profiler.begin(backend)
		probe := &text.AttentionProbe{Layer: s.Layer, Head: s.Head}
		t0 := time.Now()
		var first time.Duration
		var promptLen int
		opts := text.GenerateOptions{
			MaxTokens:  s.Tokens,
			Sampler:    s.Sampler,
			Notice:     func(msg string) { ui.notice("Notice: " + msg) },
			Candidates: candidatesShown,
			Probe:      probe,
			Inspect: func(st text.StepInfo) {
				el := time.Since(t0)
				if st.Index == 0 {
					first = el
					promptLen = len(probe.Rows) // the prefill's rows: one per prompt token
				}
				rate := 0.0
				if st.Index > 0 {
					rate = float64(st.Index) / (el - first).Seconds()
				}
				tok := m.Tokenizer
				cands := make([]candidate, len(st.Candidates))
				for i, c := range st.Candidates {
					cands[i] = candidate{text: string(tok.TokenBytes(c.ID)), id: c.ID, p: c.Prob}
				}
				piece := string(tok.TokenBytes(st.Token))
				ui.addToken(st.Index, st.Token, piece, cands)
				ui.setStats(st.Index+1, first, rate)
				ui.post("token", map[string]any{"index": st.Index, "id": int(st.Token), "text": piece})
				a.showAttention(probe, promptLen, true)
			},
		}
		res, err := m.Generate(s.Prompt, opts, func(b []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			ui.appendText(b)
			a.yieldCPU()
			return nil
		})
		endProfile(len(res.Tokens)) // the prompt's prefill is in the profile too
		ids := append(append([]int32(nil), res.PromptTokens...), res.Tokens...)
		a.cmds <- textCmd{kind: "finished", run: id, err: err, ids: ids, prompt: len(res.PromptTokens)}
	}()
}

// candidate is one row of a token's hover table.
type candidate struct {
	text string
	id   int32
	p    float32
}

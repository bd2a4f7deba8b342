"""Trains a default text model (run from the repository root with Debian's Python):

    nice -n 19 /usr/bin/python3 train/text/train_lm.py --model fortunes --preset small --threads 1
    /usr/bin/python3 train/text/train_lm.py --model gocode --preset gpu      # cuda when available

Writes train/runs/text/<model>-<preset>/: tokenizer.json (byte-level BPE trained here),
train.npy / val.npy (token ids; documents joined by <|endoftext|>), ckpt.pt (checkpointed
every 3 minutes by atomic rename, resumed when the run starts again) and log.jsonl.
--max-minutes caps the wall time trained over all sessions; the learning-rate schedule
(warmup, cosine to 10%) follows whichever of steps and minutes runs out first.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import bpe  # noqa: E402
import corpus  # noqa: E402
from lm import PRESETS, Llama  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runs", "text")
BPE_TRAIN_CHARS = 3 << 20  # the merges are learned on the first ~3 MB of training text


def run_dir(model, preset):
    return os.path.join(ROOT, f"{model}-{preset}")


def prepare(model, vocab, out):
    """Tokenizer and token arrays, built once and cached in out/."""
    tok_path = os.path.join(out, "tokenizer.json")
    if os.path.exists(os.path.join(out, "val.npy")):
        return bpe.Tokenizer.load(tok_path), np.load(os.path.join(out, "train.npy")), np.load(os.path.join(out, "val.npy"))
    os.makedirs(out, exist_ok=True)
    train_docs, val_docs = corpus.split(corpus.SOURCES[model]())
    t0, sample, n = time.time(), [], 0
    for d in train_docs:
        if n > BPE_TRAIN_CHARS:
            break
        sample.append(d)
        n += len(d)
    tokens, merges = bpe.train(sample, vocab)
    tok = bpe.Tokenizer(tokens, merges)
    tok.save(tok_path)
    print(f"bpe: {len(tokens)} tokens, {len(merges)} merges in {time.time() - t0:.0f}s", flush=True)

    def ids(docs):
        out = []
        for d in docs:
            out.extend(tok.encode(d))
            out.append(tok.eot)
        return np.array(out, dtype=np.int16 if len(tokens) < 32768 else np.int32)

    tr, va = ids(train_docs), ids(val_docs)
    np.save(os.path.join(out, "train.npy"), tr)
    np.save(os.path.join(out, "val.npy"), va)
    chars = sum(map(len, train_docs))
    print(f"data: {len(tr)} train tokens ({chars / len(tr):.2f} chars/token), {len(va)} val tokens, "
          f"{time.time() - t0:.0f}s", flush=True)
    return tok, tr, va


def batch(data, B, T, gen):
    ix = torch.randint(len(data) - T - 1, (B,), generator=gen).tolist()
    x = torch.stack([torch.from_numpy(data[i:i + T].astype(np.int64)) for i in ix])
    y = torch.stack([torch.from_numpy(data[i + 1:i + T + 1].astype(np.int64)) for i in ix])
    return x, y


@torch.no_grad()
def evaluate(model, val, c, device):
    """Mean loss over fixed, evenly spaced windows of the validation tokens."""
    model.eval()
    T, B, n = c["ctx"], c["batch"], c["eval_batches"]
    starts = np.linspace(0, len(val) - T - 1, n * B).astype(int)
    tot = 0.0
    for i in range(n):
        s = starts[i * B:(i + 1) * B]
        x = torch.stack([torch.from_numpy(val[j:j + T].astype(np.int64)) for j in s]).to(device)
        y = torch.stack([torch.from_numpy(val[j + 1:j + T + 1].astype(np.int64)) for j in s]).to(device)
        tot += float(model(x, y))
    model.train()
    return tot / n


def lr_at(c, progress):
    if progress < c["warmup_frac"]:
        return c["lr"] * progress / c["warmup_frac"]
    p = (progress - c["warmup_frac"]) / (1 - c["warmup_frac"])
    return c["lr"] * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(p, 1.0))))


def save(path, state):
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=sorted(corpus.SOURCES), required=True)
    ap.add_argument("--preset", choices=sorted(PRESETS), default="small")
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--lr", type=float)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--prepare-only", action="store_true")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    c = dict(PRESETS[a.preset])
    for k in ("steps", "batch", "lr"):
        if getattr(a, k) is not None:
            c[k] = getattr(a, k)
    c["max_minutes"] = a.max_minutes if a.max_minutes is not None else (50 if a.preset == "small" else 1e9)
    c["warmup_frac"] = c["warmup"] / c["steps"]
    out = run_dir(a.model, a.preset)
    tok, tr, va = prepare(a.model, c["vocab"], out)
    if a.prepare_only:
        return
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    model = Llama(c).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=c["lr"], betas=(0.9, 0.95), weight_decay=0.1)
    ck, step, spent = os.path.join(out, "ckpt.pt"), 0, 0.0
    gen = torch.Generator().manual_seed(1)
    if os.path.exists(ck):
        s = torch.load(ck, map_location=device)
        model.load_state_dict(s["model"])
        opt.load_state_dict(s["opt"])
        step, spent = s["step"], s["seconds"]
        gen.set_state(s["gen"])
        print(f"resumed at step {step}, {spent / 60:.1f} min trained", flush=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{a.model}/{a.preset}: {n_params} parameters, config {c}, device {device}", flush=True)
    log = open(os.path.join(out, "log.jsonl"), "a")
    t_start, t_ckpt, last_print = time.time() - spent, time.time(), time.time()

    def checkpoint(val_loss=None):
        save(ck, dict(model=model.state_dict(), opt=opt.state_dict(), step=step, seconds=time.time() - t_start,
                      gen=gen.get_state(), cfg=c, model_name=a.model, val_loss=val_loss))

    while step < c["steps"]:
        elapsed = time.time() - t_start
        if elapsed > c["max_minutes"] * 60:
            print(f"time cap of {c['max_minutes']} min reached at step {step}", flush=True)
            break
        progress = max(step / c["steps"], elapsed / (c["max_minutes"] * 60))
        for g in opt.param_groups:
            g["lr"] = lr_at(c, progress)
        x, y = batch(tr, c["batch"], c["ctx"], gen)
        loss = model(x.to(device), y.to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        rec = dict(step=step, loss=float(loss), lr=opt.param_groups[0]["lr"], min=round((time.time() - t_start) / 60, 2))
        if step % c["eval_every"] == 0:
            rec["val_loss"] = evaluate(model, va, c, device)
        if "val_loss" in rec or time.time() - last_print > 60:
            print(json.dumps(rec), flush=True)
            last_print = time.time()
        log.write(json.dumps(rec) + "\n")
        log.flush()
        if time.time() - t_ckpt > 180:
            checkpoint()
            t_ckpt = time.time()
    vl = evaluate(model, va, c, device)
    print(json.dumps(dict(step=step, final_val_loss=vl, val_ppl=math.exp(vl))), flush=True)
    checkpoint(vl)
    g = torch.Generator().manual_seed(0)
    prompt = tok.encode("The" if a.model == "fortunes" else "func ")
    print(repr(tok.decode(model.cpu().generate(prompt, 80, generator=g))), flush=True)


if __name__ == "__main__":
    main()

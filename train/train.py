"""Train the class-conditional Fashion-MNIST diffusion UNet.

  /usr/bin/python3 train/train.py --preset small            # 2 CPU cores, ~45 min
  /usr/bin/python3 train/train.py --preset gpu              # uses cuda when present

Objective: epsilon prediction, T=1000, linear betas 1e-4..0.02 (DDPM). The class label
is replaced by the null class (index num_classes) with probability p_uncond=0.1 so one
network serves classifier-free guidance. A run resumes from runs/<preset>/ckpt.pt and
checkpoints every --ckpt-minutes, so stopping loses at most that much progress.
"""
import argparse
import copy
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import samplers  # noqa: E402
from model import PRESETS, UNet, count_params  # noqa: E402

RUNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs")

TRAIN_PRESETS = {
    # Measured ~0.6 s/step at batch 64 on 2 idle cores; the time cap ends the run early
    # under contention instead of overrunning the hour.
    "small": dict(batch=64, steps=6000, lr=1e-3, warmup=200, max_minutes=45, ema=0.999),
    "gpu": dict(batch=256, steps=60000, lr=2e-4, warmup=1000, max_minutes=0, ema=0.9999),
}


def save_ckpt(path, **state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a kill mid-save never leaves a torn checkpoint


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="small", choices=sorted(TRAIN_PRESETS))
    ap.add_argument("--steps", type=int)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--lr", type=float)
    ap.add_argument("--max-minutes", type=float, help="stop (and checkpoint) after this long; 0 = no cap")
    ap.add_argument("--ckpt-minutes", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--p-uncond", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", help="run directory (default runs/<preset>)")
    args = ap.parse_args()

    hp = dict(TRAIN_PRESETS[args.preset])
    for k in ("steps", "batch", "lr", "max_minutes"):
        v = getattr(args, k)
        if v is not None:
            hp[k] = v
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    out = args.out or os.path.join(RUNS, args.preset)
    os.makedirs(out, exist_ok=True)
    ckpt_path = os.path.join(out, "ckpt.pt")

    cfg = PRESETS[args.preset]
    model = UNet(cfg).to(dev)
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=hp["lr"], weight_decay=0.0)
    step, elapsed = 0, 0.0
    if os.path.exists(ckpt_path):
        st = torch.load(ckpt_path, map_location=dev)
        model.load_state_dict(st["model"])
        ema.load_state_dict(st["ema"])
        opt.load_state_dict(st["opt"])
        step, elapsed = st["step"], st.get("elapsed", 0.0)
        print(f"resumed at step {step} ({elapsed/60:.1f} min trained)", flush=True)

    sched = samplers.Schedule()
    abar = sched.alphas_cumprod.to(dev, torch.float32)
    xs, ys = data.load("train")
    n = xs.shape[0]
    print(f"preset={args.preset} params={count_params(model)} device={dev} hp={json.dumps(hp)}", flush=True)

    def checkpoint():
        save_ckpt(ckpt_path, model=model.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(),
                  step=step, elapsed=elapsed, config=cfg.to_dict(), preset=args.preset, hp=hp)

    gen = torch.Generator().manual_seed(args.seed * 1000003 + step)
    t_start, last_ckpt, loss_acc, n_acc = time.time(), time.time(), 0.0, 0
    elapsed0, step0 = elapsed, step
    while step < hp["steps"]:
        idx = torch.randint(0, n, (hp["batch"],), generator=gen)
        x0 = data.to_model_range(xs[idx]).to(dev)
        y = ys[idx].clone()
        y[torch.rand(y.shape, generator=gen) < args.p_uncond] = cfg.num_classes
        y = y.to(dev)
        t = torch.randint(0, sched.T, (hp["batch"],), generator=gen).to(dev)
        eps = torch.randn(x0.shape, generator=gen).to(dev)
        a = abar[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        loss = F.mse_loss(model(xt, t, y), eps)

        lr = hp["lr"] * min(1.0, (step + 1) / hp["warmup"])
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        # EMA warms up so that early checkpoints are not dominated by the random init.
        d = min(hp["ema"], (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(d).add_(pm.detach(), alpha=1 - d)

        loss_acc += loss.item()
        n_acc += 1
        elapsed = elapsed0 + time.time() - t_start
        if step % 50 == 0:
            print(f"step {step} loss {loss_acc/n_acc:.4f} lr {lr:.2e} "
                  f"{(time.time()-t_start)/(step-step0):.3f} s/step elapsed {elapsed/60:.1f}m",
                  flush=True)
            loss_acc, n_acc = 0.0, 0
        if time.time() - last_ckpt > args.ckpt_minutes * 60:
            checkpoint()
            last_ckpt = time.time()
        if hp["max_minutes"] and elapsed > hp["max_minutes"] * 60:
            print(f"time cap reached at step {step}", flush=True)
            break
    checkpoint()
    print(f"done: step {step}, {elapsed/60:.1f} min", flush=True)


if __name__ == "__main__":
    main()

"""Sample the trained UNet and score the samples with the classifier.

  /usr/bin/python3 train/evaluate.py --preset small [--per-class 20 --steps 50 --guidance 3]

Draws per-class samples with DDIM (eta 0, trailing spacing) and classifier-free guidance,
reports the fraction the classifier (train/classifier.py) assigns to the requested class,
writes a grid (one row per class) to runs/samples.png and the scores to
runs/<preset>/eval.json.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import classifier  # noqa: E402
import samplers  # noqa: E402
from export import RUNS, load_model  # noqa: E402
from model import CLASS_NAMES  # noqa: E402


def to_uint8(x):
    return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


def save_grid(path, imgs, rows, scale=2):
    """imgs: (rows*cols, 1, H, W) uint8 -> one grayscale PNG, a 2-pixel gap between tiles."""
    n, _, h, w = imgs.shape
    cols = n // rows
    gap = 2
    grid = np.full((rows * (h + gap) + gap, cols * (w + gap) + gap), 255, np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        y0, x0 = gap + r * (h + gap), gap + c * (w + gap)
        grid[y0:y0 + h, x0:x0 + w] = imgs[i, 0].numpy()
    grid = grid.repeat(scale, 0).repeat(scale, 1)
    from PIL import Image
    Image.fromarray(grid, mode="L").save(path)


@torch.no_grad()
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="small")
    ap.add_argument("--run")
    ap.add_argument("--weights", default="ema", choices=["ema", "model"])
    ap.add_argument("--per-class", type=int, default=20)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--batch", type=int, default=100, help="images per UNet call (x2 for CFG)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--png", default=os.path.join(RUNS, "samples.png"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    run = args.run or os.path.join(RUNS, args.preset)
    model, st = load_model(run, args.weights)
    clf = classifier.load_classifier()
    sched = samplers.Schedule()
    g = torch.Generator().manual_seed(args.seed)

    labels = torch.arange(10).repeat_interleave(args.per_class)
    x_T = torch.randn(labels.shape[0], 1, 32, 32, generator=g)
    t0 = time.time()
    outs = []
    for i in range(0, labels.shape[0], args.batch):
        y = labels[i:i + args.batch]
        fn = lambda x, t, y=y: samplers.guided_eps(model, x, t, y, args.guidance)  # noqa: E731
        out, _ = samplers.ddim(fn, x_T[i:i + args.batch], sched, args.steps)
        outs.append(out)
        print(f"sampled {i + y.shape[0]}/{labels.shape[0]} ({time.time() - t0:.0f}s)", flush=True)
    imgs = to_uint8(torch.cat(outs))
    secs = time.time() - t0

    pred = clf(imgs.float() / 127.5 - 1).argmax(1)
    hit = pred == labels
    per_class = {CLASS_NAMES[c]: hit[labels == c].float().mean().item() for c in range(10)}
    res = {"training_steps": st["step"], "weights": args.weights, "images": int(labels.shape[0]),
           "sampler": f"ddim eta=0 trailing, {args.steps} steps", "guidance": args.guidance,
           "class_match": hit.float().mean().item(), "per_class": per_class,
           "sampling_seconds": round(secs, 1)}
    os.makedirs(os.path.dirname(args.png), exist_ok=True)
    save_grid(args.png, imgs, rows=10)
    with open(os.path.join(run, "eval.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res, indent=1))
    print(f"grid: {args.png}")


if __name__ == "__main__":
    main()

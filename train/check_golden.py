"""Self-check of the exports: the checks the Go tests will make, done in Python.

  /usr/bin/python3 train/check_golden.py --preset small

1. Rebuilds the UNet from unet.safetensors alone (config from its __metadata__) and
   compares its output on unet.x_t/t/class with unet.eps.
2. Replays every sampler trajectory from the recorded eps and noise (no UNet), and checks
   each recorded state x, x0 and the final sample: the exact test Go's samplers can run.
Exits non-zero when anything differs by more than 1e-5 (relative to the tensor's scale).
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import samplers  # noqa: E402
from model import UNet, UNetConfig  # noqa: E402

RUNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs")
TOL = 1e-5


def rel_err(a, b):
    return ((a - b).abs().max() / b.abs().max().clamp(min=1.0)).item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="small")
    ap.add_argument("--run")
    args = ap.parse_args()
    run = args.run or os.path.join(RUNS, args.preset)
    w, meta = safetensors_io.load(os.path.join(run, "unet.safetensors"))
    g, gmeta = safetensors_io.load(os.path.join(run, "golden.safetensors"))
    cfgd = json.loads(meta["genplay-unet.config_json"])
    cfgd.pop("temb_dim")
    cfgd["block_out_channels"] = tuple(cfgd["block_out_channels"])
    model = UNet(UNetConfig(**cfgd)).eval()
    model.load_state_dict(w)
    worst = 0.0
    with torch.no_grad():
        e = model(g["unet.x_t"], g["unet.t"].long(), g["unet.class"].long())
    err = rel_err(e, g["unet.eps"])
    print(f"unet.eps: max rel err {err:.2e}")
    worst = max(worst, err)

    sched = samplers.Schedule()
    n = int(gmeta["golden.steps"])
    for name in gmeta["golden.samplers"].split(","):
        eps = g[f"{name}.eps"]
        xs = g.get(f"{name}.x_in", g[f"{name}.x"])  # what the UNet was given
        seen = []

        def replay(x, t, name=name, eps=eps, xs=xs, seen=seen):
            i = len(seen)
            seen.append(rel_err(x, xs[i:i + 1]))
            if t != int(g[f"{name}.timesteps"][i]):
                raise SystemExit(f"{name}: step {i} timestep {t} != recorded")
            return eps[i:i + 1]

        noises = list(g[f"{name}.noise"].split(1))
        out, trace = samplers.SAMPLERS[name](replay, g[f"{name}.x_T"], sched, n, noises=noises)
        x0err = max(max(rel_err(s["x0"], g[f"{name}.x0"][i:i + 1]),
                        rel_err(s["x"], g[f"{name}.x"][i:i + 1])) for i, s in enumerate(trace))
        err = max(max(seen), x0err, rel_err(out, g[f"{name}.out"]))
        print(f"{name}: {n} steps, max rel err {err:.2e}")
        worst = max(worst, err)
    print("OK" if worst <= TOL else "FAIL", f"worst {worst:.2e}")
    sys.exit(0 if worst <= TOL else 1)


if __name__ == "__main__":
    main()

"""Export the latest checkpoint: F32 safetensors weights + golden vectors for the Go engine.

  /usr/bin/python3 train/export.py --preset small [--weights raw|ema]

Writes into runs/<preset>/:
  unet.safetensors    F32 weights, names = the PyTorch state_dict names; __metadata__
                      holds general.architecture=genplay-unet and the config (all strings).
  golden.safetensors  reference vectors computed with exactly those F32 weights (every
                      tensor F32; integer values such as timesteps and classes are exact):
    unet.x_t (3,1,32,32) unet.t (3,) unet.class (3,) -> unet.eps (3,1,32,32);
      also unet.time_proj (3,C0) (sinusoidal embedding) and unet.temb (3,4*C0)
      (time MLP output + class embedding) to debug the conditioning path. Case 2 is the
      null class 10.
    <sampler>.x_T (1,1,32,32)  the fixed start noise (the same for every sampler)
    <sampler>.timesteps (N,)   model timesteps, trailing spacing (samplers.py)
    <sampler>.x (N,1,32,32)    the sampler state before each step (k-diffusion samplers:
                               x = x_t / sqrt(abar_t), see samplers.py)
    <sampler>.eps (N,...)      the guided eps the model returned at each step
    <sampler>.x0 (N,...)       predicted x0 at each step
    <sampler>.noise (N,...)    the noise z used at each step (zeros for deterministic ones)
    <sampler>.out (1,1,32,32)  the final sample
    ddim.eps_cond / ddim.eps_uncond (N,...) the two CFG halves of the DDIM run.
    k-diffusion samplers also have <sampler>.sigmas (N+1,) ending in 0 and
    <sampler>.x_in (N,...) = x / sqrt(sigma^2+1), the UNet input at each step.
  Samplers: ddim (eta 0), ddim_eta1, ddpm, euler_a, dpmpp_2m; N=4, class and guidance in
  the metadata (golden.class, golden.guidance, golden.steps).
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import samplers  # noqa: E402
from model import CLASS_NAMES, UNet, UNetConfig, timestep_embedding  # noqa: E402

RUNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs")
ARCH = "genplay-unet"


def load_model(run_dir, which="ema"):
    """Builds the UNet from runs/<preset>/ckpt.pt; returns (model, checkpoint dict)."""
    st = torch.load(os.path.join(run_dir, "ckpt.pt"), map_location="cpu")
    c = dict(st["config"])
    c.pop("temb_dim", None)
    c["block_out_channels"] = tuple(c["block_out_channels"])
    model = UNet(UNetConfig(**c))
    model.load_state_dict(st[which])
    return model.eval(), st


def metadata(model, st, which):
    cfg, sched = model.cfg, samplers.Schedule()
    k = ARCH + "."
    return {
        "general.architecture": ARCH,
        "general.name": f"genplay-unet-fashion-mnist-{st['preset']}",
        k + "sample_size": cfg.sample_size,
        k + "in_channels": cfg.in_channels,
        k + "out_channels": cfg.out_channels,
        k + "block_out_channels": ",".join(str(c) for c in cfg.block_out_channels),
        k + "layers_per_block": cfg.layers_per_block,
        k + "norm_num_groups": cfg.norm_num_groups,
        k + "norm_eps": repr(cfg.norm_eps),
        k + "attention_head_dim": cfg.attention_head_dim,
        k + "temb_dim": cfg.temb_dim,
        k + "time_proj_dim": cfg.block_out_channels[0],
        k + "flip_sin_to_cos": "true" if cfg.flip_sin_to_cos else "false",
        k + "freq_shift": repr(float(cfg.freq_shift)),
        k + "num_classes": cfg.num_classes,
        k + "null_class": cfg.num_classes,
        k + "class_names": json.dumps(CLASS_NAMES),
        k + "prediction_type": "epsilon",
        k + "num_train_timesteps": sched.T,
        k + "beta_schedule": "linear",
        k + "beta_start": repr(sched.beta_start),
        k + "beta_end": repr(sched.beta_end),
        k + "timestep_spacing": "trailing",
        k + "data_range": "[-1,1]: pixel = clamp((x+1)*127.5, 0, 255)",
        k + "training_steps": st["step"],
        k + "weights": which,
        k + "config_json": json.dumps(cfg.to_dict()),
    }


@torch.no_grad()
def golden(model, guidance=3.0, cls=7, steps=4, seed=1234):
    g = torch.Generator().manual_seed(seed)
    out = {}
    # (1) single UNet evaluations, one of them unconditional.
    x = torch.randn(3, 1, 32, 32, generator=g)
    t = torch.tensor([999, 500, 37])
    y = torch.tensor([cls, 2, model.cfg.num_classes])
    c0 = model.cfg.block_out_channels[0]
    tp = timestep_embedding(t, c0, model.cfg.flip_sin_to_cos, model.cfg.freq_shift)
    out.update({"unet.x_t": x, "unet.t": t.float(), "unet.class": y.float(), "unet.eps": model(x, t, y),
                "unet.time_proj": tp,
                "unet.temb": model.time_embedding(tp) + model.class_embedding(y)})

    # (2)+(3) sampler trajectories from one fixed x_T.
    sched = samplers.Schedule()
    yc = torch.tensor([cls])
    x_T = torch.randn(1, 1, 32, 32, generator=g)
    halves = []

    def eps_fn(xx, tt):
        b = xx.shape[0]
        e = model(torch.cat([xx, xx]), torch.full((2 * b,), tt), torch.cat([yc, torch.full_like(yc, 10)]))
        halves.append((e[:b], e[b:]))
        return e[b:] + guidance * (e[:b] - e[b:])

    for name, fn in samplers.SAMPLERS.items():
        halves.clear()
        noises = [torch.randn(x_T.shape, generator=g) for _ in range(steps)]
        final, trace = fn(eps_fn, x_T, sched, steps, noises=noises)
        out[f"{name}.x_T"] = x_T
        out[f"{name}.timesteps"] = torch.tensor([s["t"] for s in trace], dtype=torch.float32)
        for key in ("x", "eps", "x0", "noise"):
            out[f"{name}.{key}"] = torch.cat([s[key] for s in trace])
        out[f"{name}.out"] = final
        if name == "ddim":
            out["ddim.eps_cond"] = torch.cat([h[0] for h in halves])
            out["ddim.eps_uncond"] = torch.cat([h[1] for h in halves])
        if name in ("euler_a", "dpmpp_2m"):
            ts = samplers.timesteps(sched.T, steps)
            out[f"{name}.x_in"] = torch.cat([s["x_in"] for s in trace])
            out[f"{name}.sigmas"] = torch.tensor([sched.sigma(tt) for tt in ts] + [0.0], dtype=torch.float32)
    meta = {"golden.class": cls, "golden.guidance": repr(guidance), "golden.steps": steps,
            "golden.seed": seed, "golden.samplers": ",".join(samplers.SAMPLERS),
            "golden.note": "all tensors F32; see train/export.py and train/samplers.py"}
    return {k: v.float().contiguous() for k, v in out.items()}, meta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="small")
    ap.add_argument("--run", help="run directory (default runs/<preset>)")
    ap.add_argument("--weights", default="ema", choices=["ema", "model"])
    args = ap.parse_args()
    torch.set_num_threads(2)
    run = args.run or os.path.join(RUNS, args.preset)
    model, st = load_model(run, args.weights)
    meta = metadata(model, st, args.weights)
    sd = {k: v.float() for k, v in model.state_dict().items()}
    wpath = os.path.join(run, "unet.safetensors")
    safetensors_io.save(wpath, sd, meta)

    # Golden vectors come from the weights as written, so Go compares like with like.
    back, _ = safetensors_io.load(wpath)
    model.load_state_dict(back)
    gold, gmeta = golden(model)
    gmeta.update({k: v for k, v in meta.items() if k.startswith("general.")})
    gpath = os.path.join(run, "golden.safetensors")
    safetensors_io.save(gpath, gold, gmeta)
    n = sum(v.numel() for v in sd.values())
    print(f"wrote {wpath} ({len(sd)} tensors, {n} params, {os.path.getsize(wpath)} bytes, step {st['step']})")
    print(f"wrote {gpath} ({len(gold)} tensors, {os.path.getsize(gpath)} bytes)")


if __name__ == "__main__":
    main()

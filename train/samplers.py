"""DDPM noise schedule and the reference samplers; the Go samplers must match these to 1e-5.

Schedule
  T = 1000, betas = linspace(1e-4, 0.02, T) in float64 (DDPM "linear"),
  abar[t] = prod_{s<=t} (1 - betas[s]); model timesteps are integers t in [0, T).
  abar(-1) := 1 (the step after the last one lands on clean data; diffusers' set_alpha_to_one).

Timestep spacing ("trailing", as diffusers' timestep_spacing="trailing"), N steps:
  t_i = floor(T*(N-i)/N + 1/2) - 1,  i = 0..N-1,
  computed exactly in integers as  t_i = (2*T*(N-i) + N) // (2*N) - 1.
  So N=4 gives [999, 749, 499, 249] and N=50 gives [999, 979, ..., 19]; the step after
  t_{N-1} is t = -1 (abar = 1). (Halves round up; numpy's round-half-even is NOT used.)

Classifier-free guidance
  eps = eps_uncond + w * (eps_cond - eps_uncond), eps_uncond from class index 10 (null).

Arithmetic: per-step scalar coefficients are computed in float64 (Python floats) from the
float64 schedule, then applied to float32 tensors. No sampler clips x0; the final image is
clamped to [-1, 1] only when converted to pixels.

Every sampler starts from a standard normal x_T, returns the final image and a trace list
of per-step dicts {t, x, eps, x0, noise, x_next} (+ x_in, the model input, for the
k-diffusion samplers) so the trace can be stored as golden
vectors: given the recorded eps, Go can replay the sampler math without the UNet.

k-diffusion samplers (Euler ancestral, DPM-Solver++(2M)) work on x = x_t / sqrt(abar_t)
with sigma_t = sqrt((1 - abar_t) / abar_t), using only the sigmas of the selected
timesteps plus a final sigma = 0 (no interpolation, so t is always an integer). The model
input is x * c_in with c_in = 1/sqrt(sigma^2 + 1) = sqrt(abar_t). They start from
x = x_T * sqrt(sigma_0^2 + 1), so the first model input equals x_T exactly, as for DDIM.
"""
import math

import torch

T_DEFAULT = 1000


class Schedule:
    def __init__(self, T=T_DEFAULT, beta_start=1e-4, beta_end=0.02):
        self.T = T
        self.beta_start, self.beta_end = beta_start, beta_end
        self.betas = torch.linspace(beta_start, beta_end, T, dtype=torch.float64)
        self.alphas_cumprod = torch.cumprod(1.0 - self.betas, dim=0)

    def abar(self, t):
        """alphas_cumprod at integer t as a Python float; t = -1 means 1.0."""
        return 1.0 if t < 0 else float(self.alphas_cumprod[t])

    def sigma(self, t):
        """k-diffusion noise level of timestep t; t = -1 means 0."""
        a = self.abar(t)
        return math.sqrt((1.0 - a) / a)


def timesteps(T, n):
    """Trailing spacing, see the module doc."""
    if not 1 <= n <= T:
        raise ValueError(f"steps must be in [1, {T}], got {n}")
    return [(2 * T * (n - i) + n) // (2 * n) - 1 for i in range(n)]


def guided_eps(model, x, t, y, guidance, null_class=10):
    """One batched UNet call on [cond; uncond] halves, combined with CFG weight `guidance`."""
    b = x.shape[0]
    tt = torch.full((2 * b,), int(t), dtype=torch.long)
    yy = torch.cat([y, torch.full_like(y, null_class)])
    e = model(torch.cat([x, x]), tt, yy)
    ec, eu = e[:b], e[b:]
    return eu + guidance * (ec - eu)


def _noise_source(shape, n, noises=None, generator=None):
    """Per-step noise: the given list (replay) or fresh standard normals."""
    if noises is not None:
        return list(noises)
    return [torch.randn(shape, generator=generator) for _ in range(n)]


def ddim(eps_fn, x_T, sched, n, eta=0.0, noises=None, generator=None):
    """DDIM (Song et al.) with trailing spacing. eta=0 deterministic, eta=1 ~ DDPM.

    x0    = (x - sqrt(1-a_t) eps) / sqrt(a_t)
    sigma = eta * sqrt((1-a_p)/(1-a_t)) * sqrt(1 - a_t/a_p)
    x'    = sqrt(a_p) x0 + sqrt(1 - a_p - sigma^2) eps + sigma z
    """
    ts = timesteps(sched.T, n)
    zs = _noise_source(x_T.shape, n, noises, generator) if eta > 0 else [torch.zeros_like(x_T)] * n
    x, trace = x_T, []
    for i, t in enumerate(ts):
        tp = ts[i + 1] if i + 1 < n else -1
        a_t, a_p = sched.abar(t), sched.abar(tp)
        eps = eps_fn(x, t)
        x0 = (x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
        sigma = eta * math.sqrt((1 - a_p) / (1 - a_t)) * math.sqrt(1 - a_t / a_p)
        dir_coef = math.sqrt(max(0.0, 1 - a_p - sigma * sigma))
        x_next = math.sqrt(a_p) * x0 + dir_coef * eps + sigma * zs[i]
        trace.append(dict(t=t, x=x, eps=eps, x0=x0, noise=zs[i], x_next=x_next))
        x = x_next
    return x, trace


def ddpm(eps_fn, x_T, sched, n, noises=None, generator=None):
    """DDPM ancestral sampling over the spaced timesteps (posterior q(x_p | x_t, x0)).

    With alpha = a_t/a_p, beta = 1 - alpha:
    mean = sqrt(a_p) beta/(1-a_t) x0 + sqrt(alpha) (1-a_p)/(1-a_t) x
    var  = beta (1-a_p)/(1-a_t)   ("fixed_small"; 0 on the last step since a_p = 1)
    x'   = mean + sqrt(var) z
    """
    ts = timesteps(sched.T, n)
    zs = _noise_source(x_T.shape, n, noises, generator)
    x, trace = x_T, []
    for i, t in enumerate(ts):
        tp = ts[i + 1] if i + 1 < n else -1
        a_t, a_p = sched.abar(t), sched.abar(tp)
        alpha = a_t / a_p
        beta = 1 - alpha
        eps = eps_fn(x, t)
        x0 = (x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
        c0 = math.sqrt(a_p) * beta / (1 - a_t)
        ct = math.sqrt(alpha) * (1 - a_p) / (1 - a_t)
        var = beta * (1 - a_p) / (1 - a_t)
        x_next = c0 * x0 + ct * x + math.sqrt(var) * zs[i]
        trace.append(dict(t=t, x=x, eps=eps, x0=x0, noise=zs[i], x_next=x_next))
        x = x_next
    return x, trace


def _k_sigmas(sched, n):
    ts = timesteps(sched.T, n)
    return ts, [sched.sigma(t) for t in ts] + [0.0]


def euler_ancestral(eps_fn, x_T, sched, n, noises=None, generator=None):
    """k-diffusion sample_euler_ancestral (eta=1) on the spaced sigmas.

    denoised = x - s eps                (eps from the model at input x/sqrt(s^2+1))
    s_up     = min(s', sqrt(s'^2 (s^2 - s'^2) / s^2)),  s_down = sqrt(s'^2 - s_up^2)
    x'       = x + eps (s_down - s) + s_up z
    """
    ts, sig = _k_sigmas(sched, n)
    zs = _noise_source(x_T.shape, n, noises, generator)
    x = x_T * math.sqrt(sig[0] ** 2 + 1)
    trace = []
    for i, t in enumerate(ts):
        s, sn = sig[i], sig[i + 1]
        x_in = x / math.sqrt(s * s + 1)
        eps = eps_fn(x_in, t)
        x0 = x - s * eps
        s_up = min(sn, math.sqrt(sn * sn * (s * s - sn * sn) / (s * s)))
        s_down = math.sqrt(sn * sn - s_up * s_up)
        x_next = x + (s_down - s) * eps + s_up * zs[i]
        trace.append(dict(t=t, x=x, x_in=x_in, eps=eps, x0=x0, noise=zs[i], x_next=x_next))
        x = x_next
    return x, trace


def dpmpp_2m(eps_fn, x_T, sched, n):
    """k-diffusion sample_dpmpp_2m (DPM-Solver++(2M), deterministic) on the spaced sigmas.

    lambda = -log(sigma), h = lambda' - lambda.
    first step or last step (s' = 0):  x' = (s'/s) x - expm1(-h) x0   (s' = 0: x' = x0)
    otherwise, r = h_last / h:          D = (1 + 1/(2r)) x0 - 1/(2r) x0_prev
                                        x' = (s'/s) x - expm1(-h) D
    """
    ts, sig = _k_sigmas(sched, n)
    x = x_T * math.sqrt(sig[0] ** 2 + 1)
    trace, x0_prev = [], None
    for i, t in enumerate(ts):
        s, sn = sig[i], sig[i + 1]
        x_in = x / math.sqrt(s * s + 1)
        eps = eps_fn(x_in, t)
        x0 = x - s * eps
        if sn == 0.0:
            x_next = x0
        else:
            h = math.log(s) - math.log(sn)
            if x0_prev is None:
                d = x0
            else:
                h_last = math.log(sig[i - 1]) - math.log(s)
                r = h_last / h
                d = (1 + 1 / (2 * r)) * x0 - (1 / (2 * r)) * x0_prev
            x_next = (sn / s) * x - math.expm1(-h) * d
        trace.append(dict(t=t, x=x, x_in=x_in, eps=eps, x0=x0, noise=torch.zeros_like(x),
                          x_next=x_next))
        x0_prev = x0
        x = x_next
    return x, trace


SAMPLERS = {
    "ddim": lambda f, x, s, n, **kw: ddim(f, x, s, n, eta=0.0),
    "ddim_eta1": lambda f, x, s, n, **kw: ddim(f, x, s, n, eta=1.0, **kw),
    "ddpm": ddpm,
    "euler_a": euler_ancestral,
    "dpmpp_2m": lambda f, x, s, n, **kw: dpmpp_2m(f, x, s, n),
}

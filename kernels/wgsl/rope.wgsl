// rope: rotate adjacent pairs (x[2i], x[2i+1]) of every head of x [B, L, H*D]
// by the angle of position pos0+l and pair i. The angles' cos and sin come
// from the host (computed in float64: f32 cos of large angles is imprecise on
// GPUs) as cs [positions, D/2, 2], kept across calls. One invocation per pair.

struct Params { pairs: u32, l: u32, h: u32, half_d: u32, pos0: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> cs: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.pairs) { return; }
    let pi = i % p.half_d;
    let l = (i / (p.half_d * p.h)) % p.l;
    let t = ((p.pos0 + l) * p.half_d + pi) * 2u;
    let c = cs[t];
    let s = cs[t + 1u];
    let x0 = x[2u * i];
    let x1 = x[2u * i + 1u];
    out[2u * i] = x0 * c - x1 * s;
    out[2u * i + 1u] = x0 * s + x1 * c;
}

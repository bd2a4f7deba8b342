// split_qkv: the columns of a fused projection qkv [B, L, (H+2*KVH)*D]
// split into q [B, L, H*D], k and v [B, L, KVH*D] (kernels.QKVSplitter),
// q and k rotated as rope.wgsl rotates them when rope is 1 (cs
// [positions, D/2, 2] from the host, as there). One invocation per pair of adjacent values;
// three outputs, so one dispatch replaces three column copies and two
// RoPE passes.

struct Params { pairs: u32, l: u32, h: u32, kvh: u32, half_d: u32, rope: u32, pos0: u32 }

@group(0) @binding(0) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read> cs: array<f32>;
@group(0) @binding(2) var<storage, read_write> q: array<f32>;
@group(0) @binding(3) var<storage, read_write> k: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.pairs) { return; }
    let row_pairs = (p.h + 2u * p.kvh) * p.half_d;
    let r = i / row_pairs;  // (b, l)
    let j = i % row_pairs;  // pair within the row
    let hp = j / p.half_d;  // head of the row: q heads, then k, then v
    let pi = j % p.half_d;
    var x0 = qkv[2u * i];
    var x1 = qkv[2u * i + 1u];
    if (p.rope != 0u && hp < p.h + p.kvh) {
        let t = ((p.pos0 + r % p.l) * p.half_d + pi) * 2u;
        let c = cs[t];
        let s = cs[t + 1u];
        let y0 = x0 * c - x1 * s;
        x1 = x0 * s + x1 * c;
        x0 = y0;
    }
    if (hp < p.h) {
        let o = (r * p.h + hp) * p.half_d + pi;
        q[2u * o] = x0;
        q[2u * o + 1u] = x1;
    } else if (hp < p.h + p.kvh) {
        let o = (r * p.kvh + hp - p.h) * p.half_d + pi;
        k[2u * o] = x0;
        k[2u * o + 1u] = x1;
    } else {
        let o = (r * p.kvh + hp - p.h - p.kvh) * p.half_d + pi;
        v[2u * o] = x0;
        v[2u * o + 1u] = x1;
    }
}

// embedding_q8: out[r, d] = table[ids[r], d] for a Q8_0 table [V, D] in the
// repacked layout (see weights/quant Repack). The host has checked the ids.

struct Params { total: u32, d: u32 }

@group(0) @binding(0) var<storage, read> qs: array<u32>;
@group(0) @binding(1) var<storage, read> scales: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.total) { return; }
    let k = ids[i / p.d] * p.d + i % p.d; // flat index into the table
    let blk = k / 32u;
    let j = k % 32u;
    let w = qs[blk * 8u + j / 4u];
    let q = bitcast<i32>(w << (24u - 8u * (j % 4u))) >> 24u;
    out[i] = f32(q) * scales[blk];
}

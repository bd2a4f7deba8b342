// embedding_q4: out[r, d] = table[ids[r], d] for a Q4_0 table [V, D] in the
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
    let byte_i = j % 16u;
    let byte = (qs[blk * 4u + byte_i / 4u] >> (8u * (byte_i % 4u))) & 0xffu;
    var nib = byte & 0xfu;
    if (j >= 16u) { nib = byte >> 4u; }
    out[i] = f32(i32(nib) - 8) * scales[blk];
}

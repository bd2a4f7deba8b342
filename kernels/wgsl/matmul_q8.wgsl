// matmul_q8: out[r, n] = sum_k a[r, k] * W[n, k] with W a Q8_0 weight
// [N, K], dequantized on the fly from the repacked layout (weights/quant
// Repack): block bk of row n is words qs[(n*K/32 + bk)*8 ..+8], value j is
// byte j%4 of word j/4 as a signed int8, times scales[n*K/32 + bk].
//
// One invocation per output element (simple v1; a later issue tiles it).

struct Params { rows: u32, n: u32, k: u32, total: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> qs: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

fn unpack_i8(w: u32) -> vec4f {
    let v = bitcast<vec4i>(vec4u(w << 24u, w << 16u, w << 8u, w)) >> vec4u(24u);
    return vec4f(v);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.total) { return; }
    let r = i / p.n;
    let n = i % p.n;
    let nbk = p.k / 32u;
    let abase = r * p.k;
    var acc = 0.0;
    for (var bk = 0u; bk < nbk; bk++) {
        let blk = n * nbk + bk;
        let k0 = abase + bk * 32u;
        var s = 0.0;
        for (var w = 0u; w < 8u; w++) {
            let av = vec4f(a[k0 + 4u * w], a[k0 + 4u * w + 1u], a[k0 + 4u * w + 2u], a[k0 + 4u * w + 3u]);
            s += dot(unpack_i8(qs[blk * 8u + w]), av);
        }
        acc += s * scales[blk];
    }
    out[i] = acc;
}

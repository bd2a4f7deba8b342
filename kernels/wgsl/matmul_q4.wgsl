// matmul_q4: out[r, n] = sum_k a[r, k] * W[n, k] with W a Q4_0 weight
// [N, K], dequantized on the fly from the repacked layout (weights/quant
// Repack): block bk of row n is words qs[(n*K/32 + bk)*4 ..+4] holding the 16
// GGML nibble bytes; byte i (byte i%4 of word i/4) has value i in its low
// nibble and value i+16 in its high nibble, each minus 8, times the scale.
//
// One invocation per output element (simple v1; a later issue tiles it).

struct Params { rows: u32, n: u32, k: u32, total: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> qs: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

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
        for (var w = 0u; w < 4u; w++) {
            let word = qs[blk * 4u + w];
            let bytes = (vec4u(word) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(0xffu);
            let lo = vec4f(vec4i(bytes & vec4u(0xfu)) - vec4i(8));
            let hi = vec4f(vec4i(bytes >> vec4u(4u)) - vec4i(8));
            let j = k0 + 4u * w;
            s += dot(lo, vec4f(a[j], a[j + 1u], a[j + 2u], a[j + 3u]));
            s += dot(hi, vec4f(a[j + 16u], a[j + 17u], a[j + 18u], a[j + 19u]));
        }
        acc += s * scales[blk];
    }
    out[i] = acc;
}

// conv2d: out[n, o, y, x] = bias[o] + sum_{c, ky, kx} w[o, c, ky, kx] *
// in[n, c, y*stride + ky - pad, x*stride + kx - pad], zero outside the image.
// Direct convolution, one invocation per output element (simple v1).

struct Params {
    total: u32, c: u32, h: u32, w: u32,
    o: u32, ks: u32, stride: u32, pad: u32,
    oh: u32, ow: u32, has_bias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.total) { return; }
    let ox = i % p.ow;
    let oy = (i / p.ow) % p.oh;
    let o = (i / (p.ow * p.oh)) % p.o;
    let n = i / (p.ow * p.oh * p.o);
    var acc = 0.0;
    if (p.has_bias != 0u) { acc = bias[o]; }
    let iy0 = i32(oy * p.stride) - i32(p.pad);
    let ix0 = i32(ox * p.stride) - i32(p.pad);
    for (var c = 0u; c < p.c; c++) {
        let xbase = (n * p.c + c) * p.h * p.w;
        let wbase = (o * p.c + c) * p.ks * p.ks;
        for (var ky = 0u; ky < p.ks; ky++) {
            let iy = iy0 + i32(ky);
            if (iy < 0 || iy >= i32(p.h)) { continue; }
            for (var kx = 0u; kx < p.ks; kx++) {
                let ix = ix0 + i32(kx);
                if (ix < 0 || ix >= i32(p.w)) { continue; }
                acc += wt[wbase + ky * p.ks + kx] * x[xbase + u32(iy) * p.w + u32(ix)];
            }
        }
    }
    out[i] = acc;
}

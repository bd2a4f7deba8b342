// conv2d_rows: out[n, o, y, x] = bias[o] + sum_{c, ky, kx} w[o, c, ky, kx] *
// x[n, c, S·y + ky - 1, S·x + kx - 1] (zero outside): a 3x3 convolution
// with padding 1 and stride S 1 or (S2) 2, or (K1) a 1x1 one, out[n, o, y,
// x] = bias[o] + sum_c w[o, c] * x[n, c, y, x] (the reference is
// kernels/ref Conv2d); then epilogue.wgsli. For software adapters
// (SwiftShader) with subgroups; GPUs and other shapes run
// matmul_tiled.wgsl's implicit GEMM.
//
// SwiftShader runs 4 invocations as the lanes of a SIMD register (its
// subgroup), and a load at a computed address, from storage or workgroup
// memory alike, is a gather of 4 scalar loads. The tiled GEMM gathers
// every staged value twice (into and out of workgroup memory) and waits at
// barriers. Here an invocation keeps 8 output channels of 8 pixels of one
// row in registers and, for each input channel and kernel row, loads what
// it needs once: the 10 inputs under its 3-wide windows (8 for K1, 17 for
// S2) and 2 of the 8 channels' weights. The 4 lanes of a subgroup work on
// the same 8 channels, so subgroupBroadcast, a register shuffle there,
// hands each lane's weights to the others. In a last block of fewer than 8
// channels, the channels past O are computed and not stored.
//
// The host picks this kernel only where every subgroup lies within one
// image's block of channels: OW % 8 == 0, OH*OW/8 a multiple of the
// subgroup size, subgroups of at least 4 lanes (and for S2, H and W even).

enable subgroups;

struct Params {
    n: u32, c: u32, h: u32, w: u32,
    o: u32, oh: u32, ow: u32, has_bias: u32,
    epi: u32, c_len: u32, // epilogue.wgsli's
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> c: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(5) var<uniform> p: Params;
#include epilogue

const WG = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32, @builtin(subgroup_invocation_id) lane: u32) {
    // Invocation i: image n, channel block ob, row y, pixels x0 .. x0+8;
    // consecutive invocations walk a row, then the rows.
    let i = (wg.x + wg.y * nwg.x) * WG + t;
    let eighths = p.ow / 8u;
    let plane = eighths * p.oh;
    let blocks = (p.o + 7u) / 8u;
    // Invocations past the end compute on clamped indices and store
    // nothing: every lane of a subgroup must reach the broadcasts.
    let live = i < p.n * blocks * plane;
    let n = min(i / (plane * blocks), p.n - 1u);
    let ob = (i / plane) % blocks;
    let y = (i % plane) / eighths;
    let x0 = (i % eighths) * 8u;

    // Output channel (column) j of accQH: pixels x0+4Q .. +4 of channel
    // 8·ob + 4H + j. Named, not an array, so that they stay in registers.
    var acc0L = mat4x4f();
    var acc0H = mat4x4f();
    var acc1L = mat4x4f();
    var acc1H = mat4x4f();
    // This lane loads the weights of channels 8·ob + 2·lane and + 1 (lanes
    // past 3 load lane 3's: a subgroup over 4 broadcasts from 0 .. 3).
    let mine = 8u * ob + 2u * min(lane, 3u);
    // Channels past O read channel O-1's weights and are not stored.
    let cha = min(mine, p.o - 1u);
    let chb = min(mine + 1u, p.o - 1u);
    for (var ci = 0u; ci < p.c; ci++) {
        let xplane = (n * p.c + ci) * p.h;
#if K1
        let row = (xplane + y) * p.w + x0;
        let m0 = vec4f(x[row], x[row + 1u], x[row + 2u], x[row + 3u]);
        let m1 = vec4f(x[row + 4u], x[row + 5u], x[row + 6u], x[row + 7u]);
        let wa = wt[cha * p.c + ci];
        let wb = wt[chb * p.c + ci];
        // Channel 8·ob + 4H + j's weight is component j.
        let tapsL = vec4f(subgroupBroadcast(wa, 0u), subgroupBroadcast(wb, 0u),
                          subgroupBroadcast(wa, 1u), subgroupBroadcast(wb, 1u));
        let tapsH = vec4f(subgroupBroadcast(wa, 2u), subgroupBroadcast(wb, 2u),
                          subgroupBroadcast(wa, 3u), subgroupBroadcast(wb, 3u));
        acc0L += outer(m0, tapsL);
        acc0H += outer(m0, tapsH);
        acc1L += outer(m1, tapsL);
        acc1H += outer(m1, tapsH);
#else
        for (var ky = 0u; ky < 3u; ky++) {
#if S2
            // The input row's 2·x0-1 .. 2·x0+16: l, q0 .. q3.
            var l = 0.0;
            var q0 = vec4f(0.0);
            var q1 = vec4f(0.0);
            var q2 = vec4f(0.0);
            var q3 = vec4f(0.0);
            let iy = i32(2u * y + ky) - 1;
            if (iy >= 0 && iy < i32(p.h)) {
                let row = (xplane + u32(iy)) * p.w + 2u * x0;
                q0 = vec4f(x[row], x[row + 1u], x[row + 2u], x[row + 3u]);
                q1 = vec4f(x[row + 4u], x[row + 5u], x[row + 6u], x[row + 7u]);
                q2 = vec4f(x[row + 8u], x[row + 9u], x[row + 10u], x[row + 11u]);
                q3 = vec4f(x[row + 12u], x[row + 13u], x[row + 14u], x[row + 15u]);
                if (x0 > 0u) { l = x[row - 1u]; }
            }
            // Column kx of windowQ: the inputs 2·x - 1 + kx of the pixels
            // x0+4Q .. +4.
            let window0 = mat3x4f(vec4f(l, q0.y, q0.w, q1.y), vec4f(q0.x, q0.z, q1.x, q1.z), vec4f(q0.y, q0.w, q1.y, q1.w));
            let window1 = mat3x4f(vec4f(q1.w, q2.y, q2.w, q3.y), vec4f(q2.x, q2.z, q3.x, q3.z), vec4f(q2.y, q2.w, q3.y, q3.w));
#else
            // The input row's x0-1 .. x0+9: l, m0, m1, r.
            var l = 0.0;
            var r = 0.0;
            var m0 = vec4f(0.0);
            var m1 = vec4f(0.0);
            let iy = i32(y + ky) - 1;
            if (iy >= 0 && iy < i32(p.h)) {
                let row = (xplane + u32(iy)) * p.w + x0;
                m0 = vec4f(x[row], x[row + 1u], x[row + 2u], x[row + 3u]);
                m1 = vec4f(x[row + 4u], x[row + 5u], x[row + 6u], x[row + 7u]);
                if (x0 > 0u) { l = x[row - 1u]; }
                if (x0 + 8u < p.w) { r = x[row + 8u]; }
            }
            // Column kx of windowQ: the 4 inputs that tap kx of the window
            // of pixels x0+4Q .. +4.
            let window0 = mat3x4f(vec4f(l, m0.xyz), m0, vec4f(m0.yzw, m1.x));
            let window1 = mat3x4f(vec4f(m0.w, m1.xyz), m1, vec4f(m1.yzw, r));
#endif
            let ka = (cha * p.c + ci) * 9u + ky * 3u;
            let kb = (chb * p.c + ci) * 9u + ky * 3u;
            let wa = vec3f(wt[ka], wt[ka + 1u], wt[ka + 2u]);
            let wb = vec3f(wt[kb], wt[kb + 1u], wt[kb + 2u]);
            // Column j: channel 8·ob + 4H + j's 3 taps of this row.
            let tapsL = mat4x3f(subgroupBroadcast(wa, 0u), subgroupBroadcast(wb, 0u),
                                subgroupBroadcast(wa, 1u), subgroupBroadcast(wb, 1u));
            let tapsH = mat4x3f(subgroupBroadcast(wa, 2u), subgroupBroadcast(wb, 2u),
                                subgroupBroadcast(wa, 3u), subgroupBroadcast(wb, 3u));
            acc0L += window0 * tapsL;
            acc0H += window0 * tapsH;
            acc1L += window1 * tapsL;
            acc1H += window1 * tapsH;
        }
#endif
    }
    if (!live) { return; }
    for (var j = 0u; j < 4u; j++) {
        store(n, 8u * ob + j, y, x0, acc0L[j]);
        store(n, 8u * ob + 4u + j, y, x0, acc0H[j]);
        store(n, 8u * ob + j, y, x0 + 4u, acc1L[j]);
        store(n, 8u * ob + 4u + j, y, x0 + 4u, acc1H[j]);
    }
}

// store writes out[n, o, y, x .. x+4] with the bias and the epilogue
// (nothing for a channel past O).
fn store(n: u32, o: u32, y: u32, x: u32, acc: vec4f) {
    if (o >= p.o) { return; }
    var v = acc;
    if (p.has_bias != 0u) { v += vec4f(bias[o]); }
    let i = ((n * p.o + o) * p.oh + y) * p.ow + x;
    for (var e = 0u; e < 4u; e++) { v[e] = epilogue(i + e, v[e]); }
    out[i / 4u] = v;
}

// outer returns the outer product of a (4 pixels) and b (4 channels):
// column j is a * b[j], channel j's contribution to the pixels.
fn outer(a: vec4f, b: vec4f) -> mat4x4f {
    return mat4x4f(a * b.x, a * b.y, a * b.z, a * b.w);
}

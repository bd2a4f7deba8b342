// matmul: out[bat, m, n] = sum_k a[bat, m, k] * B(bat, k, n), where
// B(k, n) = b[n, k] when trans_b (nn.Linear's weight layout) and b[k, n]
// otherwise. stride_b is 0 when one 2-D b is shared by every batch.
//
// A plain 16x16 tiled kernel: each workgroup computes a 16x16 output tile,
// staging 16x16 tiles of a and b in workgroup memory. Workgroups: x over
// column tiles, (y, z) a 2-D grid over batch * row tiles.

struct Params {
    m: u32, n: u32, k: u32, batch: u32,
    tiles_m: u32, trans_b: u32, stride_a: u32, stride_b: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

var<workgroup> as_: array<array<f32, 16>, 16>; // [row][k]
var<workgroup> bs: array<array<f32, 16>, 16>;  // [k][col]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u) {
    let lin = wg.y + wg.z * nwg.y;
    if (lin >= p.batch * p.tiles_m) { return; }
    let bat = lin / p.tiles_m;
    let row0 = (lin % p.tiles_m) * 16u;
    let col0 = wg.x * 16u;
    let row = row0 + lid.y;
    let col = col0 + lid.x;
    let abase = bat * p.stride_a;
    let bbase = bat * p.stride_b;
    var acc = 0.0;
    for (var k0 = 0u; k0 < p.k; k0 += 16u) {
        // a tile: thread (x, y) loads a[row0+y, k0+x] (consecutive x read consecutive k).
        var av = 0.0;
        if (row < p.m && k0 + lid.x < p.k) { av = a[abase + row * p.k + k0 + lid.x]; }
        as_[lid.y][lid.x] = av;
        // b tile: thread (x, y) loads B(k0+x, col0+y) when trans_b, so that
        // consecutive x read consecutive k; B(k0+y, col0+x) otherwise.
        var bv = 0.0;
        if (p.trans_b != 0u) {
            let bc = col0 + lid.y;
            if (bc < p.n && k0 + lid.x < p.k) { bv = b[bbase + bc * p.k + k0 + lid.x]; }
            bs[lid.x][lid.y] = bv;
        } else {
            if (col < p.n && k0 + lid.y < p.k) { bv = b[bbase + (k0 + lid.y) * p.n + col]; }
            bs[lid.y][lid.x] = bv;
        }
        workgroupBarrier();
        for (var kk = 0u; kk < 16u; kk++) {
            acc += as_[lid.y][kk] * bs[kk][lid.x];
        }
        workgroupBarrier();
    }
    if (row < p.m && col < p.n) {
        out[bat * p.m * p.n + row * p.n + col] = acc;
    }
}

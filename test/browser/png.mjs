// A small PNG decoder for screenshots and exports: 8-bit gray, RGB or RGBA,
// not interlaced (what Chromium and Go's image/png write). Enough to look at pixels without an npm package.
import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// decodePNG returns { width, height, data } with data as RGBA bytes.
export function decodePNG(buf) {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error('not a PNG');
  }
  let width = 0, height = 0, colorType = -1;
  const idat = [];
  for (let off = 8; off + 8 <= buf.length;) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      colorType = body[9];
      if (depth !== 8 || (colorType !== 0 && colorType !== 2 && colorType !== 6) || body[12] !== 0) {
        throw new Error(`unsupported PNG: depth ${depth}, color type ${colorType}, interlace ${body[12]}`);
      }
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    off += 12 + len;
  }
  if (!width || !height) throw new Error('PNG without IHDR');
  const bpp = { 0: 1, 2: 3, 6: 4 }[colorType];
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length < height * (stride + 1)) throw new Error('PNG data too short');

  const pix = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? pix[row + x - bpp] : 0;
      const b = y > 0 ? pix[row - stride + x] : 0;
      const c = x >= bpp && y > 0 ? pix[row - stride + x - bpp] : 0;
      let p;
      switch (filter) {
        case 0: p = 0; break;
        case 1: p = a; break;
        case 2: p = b; break;
        case 3: p = (a + b) >> 1; break;
        case 4: p = paeth(a, b, c); break;
        default: throw new Error(`bad PNG filter ${filter}`);
      }
      pix[row + x] = (src[x] + p) & 0xff;
    }
  }
  if (bpp === 4) return { width, height, data: pix };
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, j = 0; i < pix.length; i += bpp, j += 4) {
    const g = bpp === 1;
    rgba[j] = pix[i]; rgba[j + 1] = pix[g ? i : i + 1]; rgba[j + 2] = pix[g ? i : i + 2]; rgba[j + 3] = 255;
  }
  return { width, height, data: rgba };
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// colourStats counts distinct colours and the pixels near a given colour.
export function colourStats(img, near = [], tolerance = 24) {
  const distinct = new Set();
  const counts = near.map(() => 0);
  for (let i = 0; i < img.data.length; i += 4) {
    const r = img.data[i], g = img.data[i + 1], b = img.data[i + 2];
    distinct.add((r << 16) | (g << 8) | b);
    near.forEach((c, k) => {
      if (Math.abs(r - c[0]) <= tolerance && Math.abs(g - c[1]) <= tolerance && Math.abs(b - c[2]) <= tolerance) {
        counts[k]++;
      }
    });
  }
  return { distinct: distinct.size, near: counts };
}

// compareImages returns the mean and max absolute difference of two
// decoded images' RGB values, in 0..255 levels.
export function compareImages(a, b) {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  let sum = 0, maxd = 0, n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c] - b.data[i + c]);
      sum += d;
      maxd = Math.max(maxd, d);
      n++;
    }
  }
  return { mean: sum / n, max: maxd };
}

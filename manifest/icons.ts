/**
 * Draws Samspil's two app icons: two interlocking rings (the family and the professionals
 * around one child). Run once with `npx tsx manifest/icons.ts`; the PNGs are committed.
 *
 * - color.png: 192×192, white rings on the accent colour, full bleed (Teams rounds the corners).
 * - outline.png: 32×32, white rings on a transparent background.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export const ACCENT = { r: 0x1f, g: 0x6f, b: 0x8b };

interface Ring {
  cx: number;
  cy: number;
  radius: number;
  width: number;
}

/** The rings in a unit square; scaled to each icon size. */
function rings(size: number, scale: number): Ring[] {
  const radius = size * 0.2 * scale;
  const width = size * 0.075 * scale;
  const offset = size * 0.13 * scale;
  return [
    { cx: size / 2 - offset, cy: size / 2, radius, width },
    { cx: size / 2 + offset, cy: size / 2, radius, width },
  ];
}

/** Share of a pixel covered by any ring, from 4×4 supersampling (anti-aliased edges). */
function coverage(x: number, y: number, shapes: Ring[]): number {
  const samples = 4;
  let inside = 0;
  for (let sy = 0; sy < samples; sy++) {
    for (let sx = 0; sx < samples; sx++) {
      const px = x + (sx + 0.5) / samples;
      const py = y + (sy + 0.5) / samples;
      if (shapes.some((ring) => Math.abs(Math.hypot(px - ring.cx, py - ring.cy) - ring.radius) <= ring.width / 2)) inside++;
    }
  }
  return inside / (samples * samples);
}

export function colorIcon(size = 192): PNG {
  const png = new PNG({ width: size, height: size });
  const shapes = rings(size, 1.15);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, shapes);
      const i = (y * size + x) * 4;
      png.data[i] = Math.round(ACCENT.r + (255 - ACCENT.r) * c);
      png.data[i + 1] = Math.round(ACCENT.g + (255 - ACCENT.g) * c);
      png.data[i + 2] = Math.round(ACCENT.b + (255 - ACCENT.b) * c);
      png.data[i + 3] = 255;
    }
  }
  return png;
}

export function outlineIcon(size = 32): PNG {
  const png = new PNG({ width: size, height: size });
  const shapes = rings(size, 1.45);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = Math.round(255 * coverage(x, y, shapes));
    }
  }
  return png;
}

if (require.main === module) {
  writeFileSync(join(__dirname, 'color.png'), PNG.sync.write(colorIcon()));
  writeFileSync(join(__dirname, 'outline.png'), PNG.sync.write(outlineIcon()));
  console.log('Wrote manifest/color.png (192×192) and manifest/outline.png (32×32).');
}

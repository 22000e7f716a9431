/**
 * findTables on many seeded random grids (text, numbers, markers, blanks, merges): it never
 * throws, and every region it returns is well formed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cell, CellRange, Grid } from '../../../src/engine/grid.js';
import { findTables } from '../../../src/engine/structure/index.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = [
  'Region',
  'North',
  'Total',
  'Notes: see below',
  'Source: NHS',
  'E06000001',
  '2021',
  '*',
  '[c]',
  '-',
  'Sep-23',
  '01/09/2023',
  'x',
];

function randomGrid(seed: number): Grid {
  const rnd = prng(seed);
  const height = Math.floor(rnd() * 40);
  const width = 1 + Math.floor(rnd() * 12);
  const density = rnd();
  const rows: (Cell | undefined)[][] = [];
  for (let r = 0; r < height; r++) {
    const row: (Cell | undefined)[] = [];
    if (rnd() < 0.15) {
      rows.push(row);
      continue;
    }
    for (let c = 0; c < width; c++) {
      const p = rnd();
      if (p > density) continue;
      if (p < density * 0.5) {
        const v = Math.round(rnd() * 10000) / (rnd() < 0.5 ? 1 : 100);
        row[c] = { kind: 'number', text: String(v), value: v };
      } else row[c] = { kind: 'string', text: WORDS[Math.floor(rnd() * WORDS.length)]! };
    }
    rows.push(row);
  }
  const merges: CellRange[] = [];
  for (let i = 0; i < Math.floor(rnd() * 6); i++) {
    const r1 = Math.floor(rnd() * Math.max(1, height));
    const c1 = Math.floor(rnd() * width);
    merges.push({ r1, c1, r2: r1 + Math.floor(rnd() * 2), c2: c1 + Math.floor(rnd() * 3) });
  }
  return { rows, merges, sheet: rnd() < 0.2 ? 'Notes' : 'Data' };
}

test('random grids: no throw, regions well formed', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const grid = randomGrid(seed);
    const regions = findTables(grid);
    for (const t of regions) {
      const where = `seed ${seed}`;
      assert.equal(t.headers.length, t.columns.length, where);
      assert.deepEqual(
        [...t.columns].sort((a, b) => a - b),
        t.columns,
        `${where}: columns in order`,
      );
      assert.equal(new Set(t.columns).size, t.columns.length, `${where}: columns unique`);
      assert.ok(t.dataRows[0] >= 0 && t.dataRows[1] < Math.max(1, grid.rows.length) + 1, where);
      if (t.headerRows) {
        assert.ok(
          t.headerRows[0] <= t.headerRows[1] && t.headerRows[1] < t.dataRows[0],
          `${where}: header above data`,
        );
      }
      for (const r of t.skipRows)
        assert.ok(r >= t.dataRows[0] && r <= t.dataRows[1], `${where}: skip row in range`);
      assert.ok(t.confidence > 0 && t.confidence <= 1, where);
      assert.ok(!t.headers.some((h) => /^Notes: see below/.test(h)), `${where}: a note never names a column`);
    }
  }
});

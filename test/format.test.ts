import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount } from '../src/format.js';

test('counts are grouped exactly as en-GB writes them', () => {
  const samples = [
    0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 21_000_000, 9_007_199_254_740_991, -1234, -999,
  ];
  for (const n of samples) assert.equal(formatCount(n), n.toLocaleString('en-GB'), String(n));
  assert.equal(formatCount(1234.6), '1,235', 'a rate is rounded to a whole number');
});

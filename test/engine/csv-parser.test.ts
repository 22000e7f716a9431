import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseText, RecordParser, RecordTooLong, type RecordBatch } from '../../src/engine/read/csv.js';
import { detectDialect } from '../../src/engine/sniff/dialect.js';
import type { Dialect } from '../../src/engine/table-spec.js';

const RFC: Dialect = { delimiter: ',', quote: '"', escape: null, lineTerminator: '\n' };

/** A tiny deterministic random source, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function field(r: () => number): string {
  const pieces = ['a', 'b c', ',', '"', '""', '\n', '\r\n', '\r', '£', 'é', '', '123', ' '];
  let out = '';
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) out += pieces[Math.floor(r() * pieces.length)]!;
  return out;
}

function encode(rows: string[][], eol: string): string {
  return rows
    .map((row) =>
      row.map((f) => (/[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f)).join(','),
    )
    .join(eol);
}

function feedInChunks(text: string, dialect: Dialect, sizes: () => number): RecordBatch {
  const out: RecordBatch = { fields: [], lines: [] };
  const parser = new RecordParser(dialect);
  let pos = 0;
  while (pos < text.length) {
    const n = Math.max(1, Math.floor(sizes()));
    parser.feed(text.slice(pos, pos + n), false, out);
    pos += n;
  }
  parser.feed('', true, out);
  return out;
}

test('records are the same however the text is cut into chunks (quotes, CRLF and doubled quotes at the cuts)', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed);
    const rows = Array.from({ length: 1 + Math.floor(r() * 30) }, () =>
      Array.from({ length: 1 + Math.floor(r() * 5) }, () => field(r)),
    );
    const eol = ['\n', '\r\n', '\r'][seed % 3]!;
    const text = encode(rows, eol) + (seed % 2 ? eol : '');
    const whole = parseText(text, RFC);
    assert.deepEqual(whole.fields, rows, `seed ${seed}: the parser reads back what was written`);
    const chunked = feedInChunks(text, RFC, () => 1 + r() * 7);
    assert.deepEqual(chunked.fields, whole.fields, `seed ${seed}`);
    assert.deepEqual(chunked.lines, whole.lines, `seed ${seed}: line numbers`);
  }
});

test('line numbers are physical lines: a quoted field spanning lines counts each', () => {
  const { fields, lines } = parseText('a,b\n1,"x\ny\r\nz"\n2,w\r3,v\n', RFC);
  assert.deepEqual(fields, [
    ['a', 'b'],
    ['1', 'x\ny\r\nz'],
    ['2', 'w'],
    ['3', 'v'],
  ]);
  assert.deepEqual(lines, [1, 2, 5, 6]);
});

test('backslash escapes, comment lines and spaces before an opening quote', () => {
  const bs = parseText('1,"say \\"hi\\"",x\n', { ...RFC, escape: '\\' });
  assert.deepEqual(bs.fields, [['1', 'say "hi"', 'x']]);
  const comments = parseText('# note\na,b\n#x\n1,2\n', { ...RFC, comment: '#' });
  assert.deepEqual(comments.fields, [
    ['a', 'b'],
    ['1', '2'],
  ]);
  assert.deepEqual(comments.lines, [2, 4]);
  assert.deepEqual(parseText('1968, "Hi, Mom!"\n', RFC).fields, [['1968', 'Hi, Mom!']]);
});

test('an over-long record is refused instead of buffered without limit', () => {
  const parser = new RecordParser(RFC, 1000);
  const out: RecordBatch = { fields: [], lines: [] };
  assert.throws(() => {
    for (let i = 0; i < 10; i++) parser.feed('"' + 'x'.repeat(300), false, out);
  }, RecordTooLong);
});

test('dialect detection on small samples', () => {
  const cases: [string, Partial<Dialect>][] = [
    ['a,b,c\n1,2,3\n4,5,6\n', { delimiter: ',', quote: '"' }],
    ['a;b;c\n1,5;2,5;3\n4;5;6\n', { delimiter: ';' }],
    ['a\tb\n1\tx, y\n2\tz\n', { delimiter: '\t' }],
    ["a|b\n1|'x|y'\n2|'z'\n", { delimiter: '|', quote: "'" }],
    ['time,value\n12:30,1\n13:45,2\n', { delimiter: ',' }],
    ['x:1:2\ny:3:4\nz:5:6\n', { delimiter: ':' }],
    ['a,b\r\n1,2\r\n', { lineTerminator: '\r\n' }],
    ['a,b\r1,2\r', { lineTerminator: '\r' }],
    ['a,b\r\n1,2\n3,4\n', { lineTerminator: 'mixed' }],
  ];
  for (const [text, expected] of cases) {
    const { dialect } = detectDialect(text, true);
    for (const [k, v] of Object.entries(expected))
      assert.equal(dialect[k as keyof Dialect], v, `${JSON.stringify(text)} ${k}`);
  }
});

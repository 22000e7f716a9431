/**
 * Every file in the corpus's nhs/ folder against expectations written by hand after inspecting
 * it (test/corpus/nhs-expectations.json): tables, header rows, data rows, column and row counts,
 * a few column types, and the original tool's faults that must not come back.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { detectFile, readTable, type FileSpec, type TableSpec } from '../../src/engine/index.js';
import { ROOT } from '../helpers/cli.js';

const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const NHS = path.join(CORPUS, 'nhs');
const corpusMissing = !fs.existsSync(NHS);
const skip = corpusMissing && `corpus not found at ${NHS}`;

interface TableExpectation {
  readonly sheet: string | null;
  readonly member: string | null;
  readonly kind: 'data' | 'notes';
  readonly headerRows?: [number, number] | null;
  readonly dataRows?: [number, number];
  readonly columns?: number;
  readonly rowCount?: number;
}

interface FileExpectation {
  readonly format: string;
  readonly tables: readonly TableExpectation[];
  readonly columnTypes?: Record<string, string>;
  readonly skipped?: readonly string[];
  readonly period?: string;
  readonly firstRow?: Record<string, readonly string[]>;
  readonly stackedHeaders?: { sheet: string; labels: string[][]; measure: string };
  readonly suppressed?: { sheet: string; counts: number[]; type: string };
}

const expectations = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'test', 'corpus', 'nhs-expectations.json'), 'utf8'),
).files as Record<string, FileExpectation>;

function project(t: TableSpec, like: TableExpectation): TableExpectation {
  const out: Record<string, unknown> = { sheet: t.sheet, member: t.member, kind: t.kind };
  if ('headerRows' in like) out.headerRows = t.headerRows;
  if ('dataRows' in like) out.dataRows = t.dataRows;
  if ('columns' in like) out.columns = t.columns.length;
  if ('rowCount' in like) out.rowCount = t.rowCount;
  return out as unknown as TableExpectation;
}

function provenance(): Map<string, string> {
  const lines = fs.readFileSync(path.join(CORPUS, 'PROVENANCE.tsv'), 'utf8').split('\n').slice(1);
  return new Map(lines.filter(Boolean).map((l) => [l.split('\t')[0]!, l.split('\t')[2]!]));
}

test('every file in nhs/ has an expectation', { skip }, () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else files.push(path.relative(NHS, path.join(dir, e.name)));
    }
  };
  walk(NHS);
  assert.deepEqual(files.sort(), Object.keys(expectations).sort());
});

for (const [rel, want] of Object.entries(expectations)) {
  test(`nhs/${rel}`, { skip }, async () => {
    const file = path.join(NHS, rel);
    const spec: FileSpec = await detectFile(file);
    assert.equal(spec.sha256, provenance().get(`nhs/${rel}`), 'the corpus file is the published one');
    assert.equal(spec.format, want.format);
    assert.deepEqual(
      spec.tables.map((t, i) => project(t, want.tables[i] ?? (t as unknown as TableExpectation))),
      want.tables,
      'tables, header rows, data rows, column and row counts',
    );
    for (const [header, type] of Object.entries(want.columnTypes ?? {})) {
      const columns = spec.tables.flatMap((t) => t.columns.filter((c) => c.header === header));
      assert.ok(columns.length > 0, `a column headed ${JSON.stringify(header)}`);
      for (const c of columns) assert.equal(c.type, type, `${header} is ${type}`);
    }
    for (const t of spec.tables) {
      for (const c of t.columns) {
        // merged notes never leak into a column name (a fault of the original tool)
        assert.doesNotMatch(
          c.header,
          /^notes?\s*:|disclosure|\* No data/i,
          `${t.sheet}: ${c.header.slice(0, 60)}`,
        );
        assert.ok(Buffer.byteLength(c.name) <= 63);
      }
    }
    if (want.skipped) assert.deepEqual((spec as { skipped?: string[] }).skipped, want.skipped);
    if (want.period) assert.equal(spec.period?.code, want.period);
    for (const [sheet, values] of Object.entries(want.firstRow ?? {})) {
      const t = spec.tables.find((x) => x.sheet === sheet)!;
      for await (const row of readTable(file, spec, t.id, { values: 'display' })) {
        assert.deepEqual(row.slice(0, values.length), values, 'the first data row is data, not header');
        break;
      }
    }
    if (want.suppressed) {
      // the first measure column of each stacked block: its '-' cells are suppressed, not text
      const { sheet, counts, type } = want.suppressed;
      const blocks = spec.tables.filter((t) => t.sheet === sheet && t.kind === 'data');
      const firstMeasure = blocks.map((t) => t.columns.find((c) => c.type !== 'text'));
      assert.deepEqual(
        firstMeasure.map((c) => c?.suppressed),
        counts,
      );
      for (const c of firstMeasure) assert.equal(c?.type, type);
    }
    if (want.stackedHeaders) {
      const { sheet, labels, measure } = want.stackedHeaders;
      const blocks = spec.tables.filter((t) => t.sheet === sheet && t.headerRows?.[0] === t.headerRows?.[1]);
      assert.deepEqual(
        blocks.map((t) => t.columns.slice(0, 3).map((c) => c.header)),
        labels,
        'each stacked block has its own label header',
      );
      for (const t of blocks) {
        assert.ok(
          t.columns.some((c) => c.header === measure),
          'the measure headers at the top of the sheet carry down',
        );
      }
    }
  });
}

test('the stacked provider block reads back its own rows, not the region rows', { skip }, async () => {
  const file = path.join(NHS, 'nhse_discharge_delays_acute_sitrep/september2023.xlsx');
  const spec = await detectFile(file, { sheet: 'Table 2' });
  assert.equal(spec.tables.length, 3);
  const providers = spec.tables[2]!;
  const rows: (string | null)[][] = [];
  for await (const row of readTable(file, spec, providers.id, { values: 'typed' })) rows.push([...row]);
  assert.equal(rows.length, 119);
  assert.deepEqual(rows[0]!.slice(0, 4), [
    'EAST OF ENGLAND',
    'RAJ',
    'MID AND SOUTH ESSEX NHS FOUNDATION TRUST',
    '418',
  ]);
  assert.ok(!rows.some((r) => r[0] === 'Region'), 'no header row inside the data');
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RawScan } from '../../src/pipeline/load/raw-scan.js';
import { copyCsvFile } from '../../src/warehouse/copy.js';
import { profileWithSuspects } from '../../src/warehouse/queries/quality.js';
import { tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';

/**
 * The raw path's stream scan must read the bytes as PostgreSQL's COPY does: each case streams a
 * file into a real table with the scan listening, then asks the table the same questions.
 */
const db = await createTestDatabase();
const dir = tempDir('datawarp-raw-scan-');

const COLUMNS = [
  { name: 'name', type: 'text' },
  { name: 'day', type: 'date' },
  { name: 'n', type: 'integer' },
  { name: 'rate', type: 'numeric' },
  { name: 'note', type: 'text' },
];

let tables = 0;

async function scanAndAsk(
  lines: string[],
  options: { eol?: string; quote?: string; escape?: string | null } = {},
): Promise<{ scan: RawScan; rows: number; asked: Awaited<ReturnType<typeof profileWithSuspects>> }> {
  const file = path.join(dir, `case${++tables}.csv`);
  fs.writeFileSync(file, lines.join(options.eol ?? '\n') + (options.eol ?? '\n'));
  const table = `scan_${tables}`;
  const quote = options.quote ?? '"';
  const escape = options.escape ?? null;
  const client = await db.pool.connect();
  try {
    await client.query(
      `CREATE TABLE public.${table} (name text, day date, n integer, rate numeric, note text, _load_id bigint DEFAULT 1)`,
    );
    await client.query(`SET DateStyle = 'ISO, DMY'`);
    const scan = new RawScan(
      COLUMNS.map((c) => ({ ...c, landed: c.type })),
      { delimiter: ',', quote, escape },
    );
    const { rows } = await copyCsvFile(client, {
      schema: 'public',
      table,
      columns: COLUMNS.map((c) => c.name),
      file,
      firstLine: 1,
      lastLine: fs.readFileSync(file, 'utf8').split('\n').length - 1,
      delimiter: ',',
      quote,
      escape,
      lineSinks: [scan],
      editor: scan,
    });
    const asked = await profileWithSuspects(
      client,
      'public',
      table,
      '1',
      COLUMNS,
      COLUMNS.map((c) => ({ ...c, header: c.name })),
    );
    return { scan, rows, asked };
  } finally {
    client.release();
  }
}

function assertSame(r: Awaited<ReturnType<typeof scanAndAsk>>, suspects: number): void {
  assert.equal(r.scan.unsure, false);
  assert.equal(r.scan.records, r.rows, 'one record per row COPY loaded');
  assert.equal(r.asked.suspects, suspects);
  assert.equal(r.scan.suspects, r.asked.suspects, 'suspect rows as the table counts them');
  assert.deepEqual(
    r.scan.profile(),
    r.asked.profile,
    'non-null counts and date ranges as the table has them',
  );
}

test('quoted commas, doubled quotes, quoted empties and line breaks inside quotes read as COPY reads them', async () => {
  const lines = [
    'Leeds,2024-01-05,1,1.5,plain',
    '"York, North",05/02/2023,,2,"say ""hi"""',
    '"",2025-12-31,3,,""',
    'Hull,1/3/2024,4,-0.5,"two\nlines"',
    'a"b,c"d,2024-6-7,5,.5,x',
    '   ,,,,',
    ',,,,',
  ];
  assertSame(await scanAndAsk(lines), 2);
  assertSame(await scanAndAsk(lines, { eol: '\r\n' }), 2);
});

test('Infinity in a number column is a suspect; whitespace-only text is blank; NaN is a missing value', async () => {
  const lines = ['A,2024-01-01,1,NaN,x', 'B,2024-01-02,2, -Infinity ,y', 'C,2024-01-03,3,+4,z', '  ,,,, '];
  const r = await scanAndAsk(lines);
  assertSame(r, 2);
  assert.equal(r.scan.profile()[3]!.nonNull, 2, 'NaN went as an empty field: null, as the reader reads it');
});

test('markers and null tokens in number and date columns go as empty fields; in text they stay', async () => {
  const lines = [
    '*,*,*,*,*',
    '"[c]", [c] ,"[c]",[c],[c]',
    'x,2024-01-01,-,..,–',
    'n/a,N/A,NULL,#DIV/0!,na',
    'y,2024-01-02,-5,-.5,ok',
  ];
  const r = await scanAndAsk(lines);
  assertSame(r, 0);
  assert.deepEqual(r.scan.suppressed, [0, 2, 3, 3, 0], 'markers counted where they are nulls');
  assert.deepEqual(
    r.scan.profile().map((p) => p.nonNull),
    [5, 2, 1, 1, 5],
    'the text columns keep theirs',
  );
  const crlf = await scanAndAsk(lines, { eol: '\r\n' });
  assertSame(crlf, 0);
  assert.deepEqual(
    crlf.scan.suppressed,
    [0, 2, 3, 3, 0],
    'a marker before CR LF is cut, the line break kept',
  );
});

test('values PostgreSQL takes but datawarp reads otherwise are lenient: codes, underscores, a trailing point, date words', async () => {
  const lines = [
    'A,2024-01-01,007,1,x', // a code: PostgreSQL would load 7
    'B,2024-01-02,-01,2,x',
    'C,2024-01-03,1_000,3,x', // PostgreSQL 16+ reads 1000
    'D,2024-01-04,0x1F,4,x', // PostgreSQL 16+ reads 31
    'E,2024-01-05,5,5.,x',
    'F,today,6,6,x',
    'G,2024-01-07,7,1.5e3,x', // an exponent both read alike
    'H,2024-01-08, 8 ,0.5,x',
    'I,2024-01-09,0,-0.25,x',
  ];
  const file = path.join(dir, 'lenient.csv');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const scan = new RawScan(
    COLUMNS.map((c) => ({ ...c, landed: c.type })),
    { delimiter: ',', quote: '"', escape: null },
  );
  // fed directly: PostgreSQL before 16 refuses `1_000` and `0x1F` outright
  const buf = fs.readFileSync(file);
  let from = 0;
  for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, from)) {
    scan.add(buf, from, nl);
    from = nl + 1;
  }
  assert.equal(scan.records, 9);
  assert.equal(scan.lenient, 6, 'rows A to F');
  assert.equal(scan.suspects, 0);
});

test('another escape character: backslash before a quote or itself', async () => {
  const lines = ['"a\\"b",2024-02-29,1,1,"c\\\\d"', 'e,2020-01-01,2,2,"f\\g"'];
  assertSame(await scanAndAsk(lines, { escape: '\\' }), 0);
});

test('a date in a spelling the scan does not read makes it unsure, so the table is asked', async () => {
  const r = await scanAndAsk(['A,2024-01-01,1,1,x', 'B, 2024-01-02,2,2,y', 'C,infinity,3,3,z']);
  assert.equal(r.scan.unsure, true);
  assert.equal(r.asked.suspects, 1, 'the table still sees the infinite date');
});

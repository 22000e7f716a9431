/**
 * `datawarp detect` as a person reads it, on the header cases that went wrong: a long header over
 * several lines, years as headers, an all-text table with its header repeated. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from '../helpers/cli.js';

const dir = tempDir('datawarp-summary-');

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

test('the summary shows a long header cut with an ellipsis, its hashed name, and the header line range', async () => {
  const long =
    'Number of patients registered at the practice on the last day of the quarter\n' +
    'who are aged between eighteen and twenty-four years inclusive';
  const body = Array.from({ length: 5 }, (_, i) => `${i},Practice ${i},${i * 7}`).join('\n');
  const file = write('long.csv', `id,name,"${long}"\n${body}\n`);
  const r = await runCli(['detect', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /header lines 1–2, data lines 3–7, 5 rows/);
  assert.match(r.stdout, /number_of_patients_registered_at_the_practice_\w*_[0-9a-f]{8}\s+integer/);
  assert.match(r.stdout, /Number of patients registered at the pr…/);
  assert.doesNotMatch(r.stdout, /column_3/);
});

test('the summary of years over counts names the year columns; an all-text table warns of its repeated header', async () => {
  const years = write('years.csv', 'Org,2024\nA01,12\nA02,130\nA03,7\n');
  const y = await runCli(['detect', years]);
  assert.equal(y.code, 0, y.stderr);
  assert.match(y.stdout, /header line 1, data lines 2–4, 3 rows/);
  assert.match(y.stdout, /_2024\s+integer\s+no\s+2024/);

  const header = 'PCN Code,PCN Name,Practice Code,Practice Name';
  const rows = Array.from({ length: 6 }, (_, i) => `U1646${i},NORTH ${i % 2} PCN,C8560${i},THE SURGERY ${i}`);
  const text = write('pcn.csv', [header, ...rows.slice(0, 3), header, ...rows.slice(3)].join('\n') + '\n');
  const p = await runCli(['detect', text]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /header line 1, data lines 2–8, 6 rows/);
  assert.match(p.stdout, /pcn_code\s+text\s+no\s+PCN Code/);
  assert.match(p.stdout, /warning: 1 repeated header row\(s\) inside the data skipped \(line 5\)/);
});

/** Started by load-cancel.test.ts: begins a slow load and is killed mid-COPY. */
import pg from 'pg';
import { registerSource } from '../../src/lifecycle/registry.js';
import { loadTable } from '../../src/pipeline/load/load-table.js';
import { config, memorySource, rowsOf } from './load-helpers.js';

const [url, code] = process.argv.slice(2) as [string, string];
const pool = new pg.Pool({ connectionString: url });
await registerSource(pool, {
  sourceCode: code,
  publication: 'Crash test',
  domain: 'Testing',
  owner: 'tester@nhs.net',
  purpose: 'killed mid-load',
  validationRequired: false,
});
let told = false;
await loadTable(
  pool,
  memorySource({
    name: 'slow',
    headers: ['Id', 'Name'],
    rows: rowsOf(1_000_000, (i) => [String(i), `n${i}`]),
    sample: 10,
    slowAfter: 30_000,
    fileName: 'slow.csv',
  }),
  {
    sourceCode: code,
    config: config(),
    user: 'tester',
    onProgress: (rows) => {
      if (!told && rows >= 30_000) {
        told = true;
        process.stdout.write('copying\n');
      }
    },
  },
);

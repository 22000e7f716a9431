/**
 * The CSV corpus (`../shared/corpus/csv`, from DuckDB's reader tests) against DuckDB's own sniff
 * of each file (`expectations.json`). DuckDB is a strong reference, not the truth: where datawarp
 * differs on purpose or has not caught up, the file is listed in KNOWN_MISSES with the reason.
 * The test fails on a miss that is not listed, and on a listed miss that no longer happens (so
 * the list stays true).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { detectFile, readTable, refineTable, type FileSpec } from '../../src/engine/index.js';
import { isDatawarpError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';
import { DUCKDB_FAMILY as FAMILY, PG_FAMILY, type DuckdbSniff as Sniff } from './duckdb-families.js';

const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const CSV = path.join(CORPUS, 'csv');
const corpusMissing = !fs.existsSync(path.join(CSV, 'expectations.json'));
const skip = corpusMissing && `corpus not found at ${CSV}`;

type Aspect = 'delimiter' | 'header' | 'columns' | 'types' | 'rows' | 'error';

const NULL_WORDS =
  'datawarp reads NULL/null/NA spellings as null in typed columns; DuckDB keeps such columns VARCHAR';
const DUCKDB_PIPE =
  "DuckDB's default sniff picks '|' (one column) after rejecting ragged rows; datawarp keeps ',' and the file's real columns";
const MID_LINE_COMMENT = "a '#' in the middle of a line is data for datawarp; DuckDB cuts the line there";
const SPACER =
  'a column with no header and no value in any row (a trailing delimiter, a spacer) is left out; DuckDB keeps it as an empty column';
const QUOTED_NUMBERS_TEXT =
  'DuckDB keeps these quoted or odd-format numbers as VARCHAR; datawarp reads them as numbers';

/** file → the aspects that differ from DuckDB, and why. */
const KNOWN_MISSES: Record<string, { aspects: Aspect[]; reason: string }> = {
  '15473_date_timestamp.csv': {
    aspects: ['types'],
    reason:
      'a column of dates and date-times is timestamp for datawarp (a date is midnight); DuckDB falls back to VARCHAR',
  },
  'bad_date_timestamp_mix.csv': {
    aspects: ['types'],
    reason:
      '`01-01-2020 01:02:03` is read day-first as a UK timestamp; DuckDB only tries its detected format',
  },
  'conflict_timestamp.csv': {
    aspects: ['types'],
    reason: 'same as bad_date_timestamp_mix.csv: UK day-first timestamps',
  },
  'sales_snippet.csv': {
    aspects: ['types'],
    reason: 'same: a day-first timestamp column datawarp reads and DuckDB leaves VARCHAR',
  },
  'dateformat/working.csv': {
    aspects: ['types'],
    reason: '`31-OCT-2023` (DD-MON-YYYY) is a date for datawarp, as the issue asks',
  },
  'dateformat/not_working.csv': { aspects: ['types'], reason: 'same DD-MON-YYYY dates' },
  '16857.csv': { aspects: ['types'], reason: NULL_WORDS },
  'null/multiple_nulls.csv': { aspects: ['types'], reason: NULL_WORDS },
  'comma_decimal_null.csv': {
    aspects: ['types'],
    reason:
      'columns of 8-digit values that are all valid YYYYMMDD dates (DATA_* columns) are dates for datawarp; DuckDB reads BIGINT',
  },
  'real/voter.tsv': {
    aspects: ['types'],
    reason: 'a column of quoted zip codes: DuckDB keeps quoted values VARCHAR, datawarp reads integers',
  },
  'thousands_separator/multi_column_quote.csv': { aspects: ['types'], reason: QUOTED_NUMBERS_TEXT },
  'decimal_separators/decimal_separators.csv': {
    aspects: ['types'],
    reason:
      '`+1.53e4` style values are numbers for datawarp; DuckDB (no decimal_separator option) reads VARCHAR',
  },
  'rejects_sniffer.csv': {
    aspects: ['types'],
    reason:
      'a Dutch export: `123,45` is a decimal comma, which datawarp reads as numeric; DuckDB keeps VARCHAR',
  },
  'unescaped_quotes/stops.csv': { aspects: ['types'], reason: QUOTED_NUMBERS_TEXT },
  'thousands_separator/simple_quoted.csv': {
    aspects: ['header', 'types'],
    reason:
      'one column of quoted `1,000.00` values: datawarp reads numbers without a header; DuckDB takes the first as a VARCHAR header',
  },
  'timestamp_with_tz.csv': {
    aspects: ['types'],
    reason:
      '`UTC` and `GMT` are read, but a zone abbreviation like `EST` is not: abbreviations are ambiguous and PostgreSQL timestamp has no zone',
  },
  'auto/single_quote_backslash.csv': {
    aspects: ['types'],
    reason:
      "one value is written `'567'`: datawarp keeps single quotes as text here because '\"' is the quote that ranks first",
  },
  'bug_10283.csv': {
    aspects: ['types'],
    reason:
      'an AEMO multi-record-type file: several record layouts share columns, so datawarp keeps the mixed columns text',
  },
  'comments/error.csv': {
    aspects: ['types'],
    reason: 'the file has `oh no` data rows further down; datawarp samples them and reads text',
  },
  'comments/mid_line.csv': { aspects: ['header', 'columns'], reason: MID_LINE_COMMENT },
  'comments/mid_line_header.csv': { aspects: ['columns'], reason: MID_LINE_COMMENT },
  'comments/mid_line_quote.csv': { aspects: ['columns'], reason: MID_LINE_COMMENT },
  'all_quotes.csv': {
    aspects: ['columns'],
    reason:
      'DuckDB skips 6 lines and reads a later, wider layout; datawarp keeps the 4-column header at line 1',
  },
  'inconsistent_cells.csv': {
    aspects: ['header', 'columns'],
    reason:
      'blocks of 3, 4 and 5 fields: DuckDB keeps the last block, datawarp the first table with its header',
  },
  'auto/empty_header.csv': {
    aspects: ['header'],
    reason: 'a header of empty names (`,,`): datawarp treats it as no header, names column_1..n',
  },
  'auto/missing_many_col.csv': {
    aspects: ['header'],
    reason: 'a header with one name over 13 columns reads as a preamble line to datawarp',
  },
  'error/mismatch/big_bad.csv': {
    aspects: ['header'],
    reason: 'all-text rows where the first row is not distinguishable from data',
  },
  'test/many_empty_lines.csv': {
    aspects: ['header', 'types'],
    reason: 'one value followed by empty lines: datawarp reads a headerless integer column',
  },
  'inconsistencies/inconsistent_columns_3.csv': {
    aspects: ['header'],
    reason:
      'a 3-name header over 4-field rows: datawarp keeps the header (and a 4th unnamed column); DuckDB skips it',
  },
  'locations_row_trailing_comma.csv': {
    aspects: ['header'],
    reason: 'same: a header one field narrower than the rows is kept',
  },
  'rabo-anon.csv.gz': { aspects: ['delimiter', 'header', 'columns'], reason: DUCKDB_PIPE },
  'quoted_values_delimited.csv': {
    aspects: ['delimiter'],
    reason:
      'every line is one quoted value holding `;` (`"header1;header2"`): both read one column; DuckDB reports `,`, datawarp `;`',
  },
  'real/ontime_sample.csv': { aspects: ['columns'], reason: SPACER },
  'auto/test_header_mix.csv': { aspects: ['columns'], reason: SPACER },
  'auto/mock_duckdb_test_data.csv': { aspects: ['delimiter', 'columns'], reason: DUCKDB_PIPE },
  'extra_delimiters.csv': { aspects: ['delimiter', 'columns'], reason: DUCKDB_PIPE },
  'inconsistencies/inconsistent_columns_6.csv': { aspects: ['delimiter', 'columns'], reason: DUCKDB_PIPE },
  'nullpadding_header.csv': { aspects: ['delimiter', 'columns'], reason: DUCKDB_PIPE },
  'rejects/incorrect_columns/small_mix.csv': { aspects: ['delimiter', 'columns'], reason: DUCKDB_PIPE },
  'thousands_separator/simple.csv': {
    aspects: ['delimiter', 'header', 'columns'],
    reason:
      'unquoted `100,000.00` values: without quotes the comma splits them; DuckDB reads one column by rejecting every delimiter',
  },
  'evil_nullpadding.csv': {
    aspects: ['delimiter', 'header', 'columns'],
    reason:
      'rows of 1 to 4 fields with unterminated quotes: no consistent dialect exists; datawarp picks `;`',
  },
  'unquoted_escape/basic.tsv': {
    aspects: ['delimiter', 'header', 'columns'],
    reason:
      'backslash-escaped tabs outside quotes are not supported; DuckDB also needs options for this file',
  },
};

interface FileExpectation {
  observed_duckdb_sniff?: Sniff;
  duckdb_test_expectations?: { kind: string; options: string; expected: { row_count?: number } }[];
}

function compare(spec: FileSpec, o: Sniff): Aspect[] {
  const t = spec.tables[0];
  if (!t) return ['columns'];
  const out: Aspect[] = [];
  if (spec.dialect?.delimiter !== o.delimiter) out.push('delimiter');
  if ((t.headerRows !== null) !== o.has_header) out.push('header');
  if (t.columns.length !== o.columns.length) out.push('columns');
  else if (t.columns.some((c, i) => PG_FAMILY[c.type] !== FAMILY[o.columns[i]!.type.replace(/\(.*/, '')]))
    out.push('types');
  return out;
}

test('corpus CSV files are the bytes PROVENANCE.tsv lists', { skip }, () => {
  const lines = fs.readFileSync(path.join(CORPUS, 'PROVENANCE.tsv'), 'utf8').trim().split('\n').slice(1);
  let checked = 0;
  for (const line of lines) {
    const [rel, , sha] = line.split('\t');
    if (!rel?.startsWith('csv/')) continue;
    const digest = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(CORPUS, rel)))
      .digest('hex');
    assert.equal(digest, sha, rel);
    checked++;
  }
  assert.ok(checked > 100, `checked ${checked} files`);
});

test('detect agrees with DuckDB on every corpus CSV, or the difference is explained', { skip }, async () => {
  const expectations = JSON.parse(fs.readFileSync(path.join(CSV, 'expectations.json'), 'utf8')) as {
    files: Record<string, FileExpectation>;
  };
  const unexplained: string[] = [];
  const stale: string[] = [];
  let compared = 0;
  let agreed = 0;
  for (const [file, e] of Object.entries(expectations.files)) {
    const o = e.observed_duckdb_sniff;
    if (!o?.ok) continue;
    compared++;
    let aspects: Aspect[];
    try {
      aspects = compare(await detectFile(path.join(CSV, file)), o);
    } catch (err) {
      if (!isDatawarpError(err)) throw err;
      aspects = ['error'];
    }
    const known = KNOWN_MISSES[file];
    const extra = aspects.filter((a) => !known?.aspects.includes(a));
    if (extra.length) unexplained.push(`${file}: ${extra.join(', ')}`);
    if (known && known.aspects.some((a) => !aspects.includes(a)))
      stale.push(`${file}: now agrees on ${known.aspects.filter((a) => !aspects.includes(a)).join(', ')}`);
    if (aspects.length === 0) agreed++;
  }
  console.log(
    `# csv corpus: ${agreed}/${compared} files agree with DuckDB's sniff on delimiter, header, columns and types`,
  );
  assert.deepEqual(unexplained, [], 'differences from DuckDB with no entry in KNOWN_MISSES');
  assert.deepEqual(stale, [], 'KNOWN_MISSES entries that no longer happen: remove them');
});

test('row counts match DuckDB where its tests assert them', { skip }, async () => {
  const expectations = JSON.parse(fs.readFileSync(path.join(CSV, 'expectations.json'), 'utf8')) as {
    files: Record<string, FileExpectation>;
  };
  let checked = 0;
  for (const [file, e] of Object.entries(expectations.files)) {
    for (const t of e.duckdb_test_expectations ?? []) {
      if (t.kind !== 'row_count' || t.options !== '' || t.expected.row_count === undefined) continue;
      const full = path.join(CSV, file);
      const spec = await detectFile(full);
      const refined = await refineTable(full, spec, spec.tables[0]!.id);
      assert.equal(refined.rowCount, t.expected.row_count, file);
      checked++;
    }
  }
  assert.ok(checked >= 3);
});

test(
  'every corpus CSV either reads to the end or fails with a one-line DatawarpError',
  { skip },
  async () => {
    const expectations = JSON.parse(fs.readFileSync(path.join(CSV, 'expectations.json'), 'utf8')) as {
      files: Record<string, FileExpectation>;
    };
    for (const file of Object.keys(expectations.files)) {
      const full = path.join(CSV, file);
      try {
        const spec = await detectFile(full);
        for (const t of spec.tables) {
          let n = 0;
          for await (const row of readTable(full, spec, t.id, { values: 'display' })) {
            assert.equal(row.length, t.columns.length, `${file}: every row has the table's width`);
            n++;
          }
          assert.ok(n >= 0);
        }
      } catch (err) {
        assert.ok(isDatawarpError(err), `${file}: ${String(err)}`);
        assert.ok(!err.oneLine().includes('\n'), file);
        assert.ok(err.hint, `${file} error has a hint`);
      }
    }
  },
);

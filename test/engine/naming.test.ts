import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnNames, positionalNames, snakeCase, LINEAGE_COLUMNS } from '../../src/engine/naming.js';
import { tableNameFrom } from '../../src/engine/table-name.js';

test('headers become lower_snake names', () => {
  assert.deepEqual(columnNames(['Practice Code', 'Total (£000s)', 'Café Name', 'patientCount', '% Change']), [
    'practice_code',
    'total_000s',
    'cafe_name',
    'patient_count',
    'pct_change',
  ]);
  assert.equal(snakeCase('Partner\nOrganisation\nCode'), 'partner_organisation_code');
  assert.deepEqual(columnNames(['Deaths [note 1]', 'Rate [notes 2, 3]']), ['deaths', 'rate']);
});

test('duplicates are suffixed, never merged, and a header already named like a suffix keeps its name', () => {
  assert.deepEqual(columnNames(['Code', 'code', 'CODE']), ['code', 'code_2', 'code_3']);
  assert.deepEqual(columnNames(['a', 'a', 'a_2']), ['a', 'a_3', 'a_2']);
});

test('a header never becomes a lineage name; empty and numeric headers get usable names', () => {
  const names = columnNames(['_source_file', 'Load ID', '', '2021']);
  assert.equal(names[0], 'source_file');
  assert.equal(names[1], 'load_id');
  assert.equal(names[2], 'column_3');
  assert.equal(names[3], '_2021');
  for (const n of names) assert.ok(!(LINEAGE_COLUMNS as readonly string[]).includes(n));
});

test('long names fit 63 bytes with a stable hash that keeps similar headers apart', () => {
  const a =
    'Number of patients waiting more than eighteen weeks for a first outpatient appointment in area A';
  const b =
    'Number of patients waiting more than eighteen weeks for a first outpatient appointment in area B';
  const [na, nb] = columnNames([a, b]);
  assert.ok(Buffer.byteLength(na!) <= 63 && Buffer.byteLength(nb!) <= 63);
  assert.notEqual(na, nb);
  assert.equal(columnNames([a])[0], na, 'same header, same name');
});

test('headerless data gets positional names', () => {
  assert.deepEqual(positionalNames(3), ['column_1', 'column_2', 'column_3']);
});

test('table names drop dates and versions on token boundaries only', () => {
  const cases: [string, string][] = [
    ['airports_20241201.csv', 'airports'],
    ['customer-data.csv', 'customer_data'],
    ['FLIGHT_SCHEDULES.CSV', 'flight_schedules'],
    ['marital_status_2021.csv', 'marital_status'],
    ['age_18_24.csv', 'age_18_24'],
    ['summary_Oct_25.csv', 'summary'],
    ['MAPPING_NHS_GEOGRAPHIES_2021.csv', 'mapping_nhs_geographies'],
    ['MAPPING_INDICATORS_2021_v2.csv', 'mapping_indicators'],
    ['gp-reg-pat-prac-all.csv', 'gp_reg_pat_prac_all'],
    ['https://example.org/files/ADHD%20Referrals%20November%202025.csv', 'adhd_referrals'],
    ['report-2025-11-30.csv', 'report'],
    ['waiting_times_Q2_2025-26.csv', 'waiting_times'],
    ['Referrals April to June 2025.csv', 'referrals'],
    ['waits_Jan-Mar_2026.xlsx', 'waits'],
    ['may_contain_nuts.csv', 'may_contain_nuts'],
  ];
  for (const [input, expected] of cases) assert.equal(tableNameFrom(input), expected, input);
});

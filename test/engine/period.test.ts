import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectPeriod } from '../../src/engine/period.js';

test('months in the forms publications use', () => {
  const cases: [string, string, string, string][] = [
    ['data_Oct_25.csv', '2025-10', '2025-10-01', '2025-10-31'],
    ['adhd-november-2025.csv', '2025-11', '2025-11-01', '2025-11-30'],
    ['extract_2025-11.csv', '2025-11', '2025-11-01', '2025-11-30'],
    ['extract_202511.csv', '2025-11', '2025-11-01', '2025-11-30'],
    ['september2023.xlsx', '2023-09', '2023-09-01', '2023-09-30'],
    ['feb_2024.csv', '2024-02', '2024-02-01', '2024-02-29'],
  ];
  for (const [name, code, start, end] of cases)
    assert.deepEqual(detectPeriod(name), { code, start, end }, name);
});

test('NHS financial-year quarters start in April', () => {
  assert.deepEqual(detectPeriod('Waiting times Q2 2025-26.xlsx'), {
    code: 'FY2025-26-Q2',
    start: '2025-07-01',
    end: '2025-09-30',
  });
  assert.deepEqual(detectPeriod('q4_2024_25.csv'), {
    code: 'FY2024-25-Q4',
    start: '2025-01-01',
    end: '2025-03-31',
  });
  assert.deepEqual(detectPeriod('Q1 2025-26'), {
    code: 'FY2025-26-Q1',
    start: '2025-04-01',
    end: '2025-06-30',
  });
});

test('month names match whole words only: summary is not March, marital not anything', () => {
  assert.equal(detectPeriod('summary.csv'), null);
  assert.equal(detectPeriod('marital_status.csv'), null);
  assert.equal(detectPeriod('decision_mayor.csv'), null);
});

test('URLs are decoded before reading: %20 followed by 2025 is not 2020', () => {
  const p = detectPeriod('https://files.example.org/ADHD%20November%202025.csv');
  assert.equal(p?.code, '2025-11');
});

test('days, financial years and years', () => {
  assert.equal(detectPeriod('airports_20241201.csv')?.code, '2024-12-01');
  assert.deepEqual(detectPeriod('qof_2020_21'), {
    code: 'FY2020-21',
    start: '2020-04-01',
    end: '2021-03-31',
  });
  assert.equal(detectPeriod('MAPPING_NHS_GEOGRAPHIES_2021.csv')?.code, '2021');
  assert.equal(detectPeriod('no period here.csv'), null);
});

test('the first text that names a period wins (file name, then sheet title, then URL)', () => {
  assert.equal(detectPeriod('data.csv', 'Table 1: March 2024', 'https://x/2023-01.csv')?.code, '2024-03');
});

test('a range of months is a financial quarter when it is one, else a span', () => {
  assert.deepEqual(detectPeriod('Referrals April to June 2025.csv'), {
    code: 'FY2025-26-Q1',
    start: '2025-04-01',
    end: '2025-06-30',
  });
  assert.deepEqual(detectPeriod('waits_Jan-Mar_2026.xlsx'), {
    code: 'FY2025-26-Q4',
    start: '2026-01-01',
    end: '2026-03-31',
  });
  assert.deepEqual(detectPeriod('Nov 2025 - Feb 2026'), {
    code: '2025-11/2026-02',
    start: '2025-11-01',
    end: '2026-02-28',
  });
});

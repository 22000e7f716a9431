import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatawarpError, EXIT } from '../../src/errors.js';
import { registerSource, describeSource, type SourceRegistration } from '../../src/lifecycle/registry.js';
import { createTestDatabase } from '../helpers/db.js';

const db = await createTestDatabase();

const valid: SourceRegistration = {
  sourceCode: 'adhd_referrals',
  publication: 'ADHD Management Information',
  domain: 'Clinical - Mental Health',
  owner: 'analyst@nhs.net',
  purpose: 'Track ADHD referral waiting times',
};

async function counts(): Promise<{ sources: number; audit: number }> {
  const { rows } = await db.pool.query<{ sources: string; audit: string }>(
    `SELECT (SELECT count(*) FROM datawarp.tbl_data_sources) AS sources,
            (SELECT count(*) FROM datawarp.tbl_audit_log) AS audit`,
  );
  return { sources: Number(rows[0]!.sources), audit: Number(rows[0]!.audit) };
}

test('registers a source with defaults, its table name and who created it', async () => {
  const row = await registerSource(db.pool, valid, 'tester');
  assert.equal(row.source_code, 'adhd_referrals');
  assert.equal(row.status, 'registered');
  assert.equal(row.load_mode, 'replace');
  assert.equal(row.retention_days, 365);
  assert.equal(row.validation_required, true);
  assert.equal(row.schema_name, 'staging');
  assert.equal(row.table_name, 'tbl_adhd_referrals');
  assert.equal(row.created_by, 'tester');
  const details = await describeSource(db.pool, 'adhd_referrals');
  assert.equal(details.rowCount, null, 'no table before the first load');
  const audit = await db.pool.query(
    `SELECT action FROM datawarp.tbl_audit_log WHERE source_code = 'adhd_referrals'`,
  );
  assert.deepEqual(audit.rows, [{ action: 'register' }]);
});

const refusals: [string, Partial<SourceRegistration>, RegExp, number][] = [
  ['an uppercase code', { sourceCode: 'ADHD' }, /SOURCE_CODE must start with a letter/, EXIT.usage],
  ['a code with a dash', { sourceCode: 'adhd-x' }, /SOURCE_CODE/, EXIT.usage],
  ['a code too long for a table name', { sourceCode: 'a'.repeat(60) }, /SOURCE_CODE/, EXIT.usage],
  ['a missing publication', { publication: undefined }, /--publication is required/, EXIT.usage],
  ['a blank domain', { domain: '  ' }, /--domain is required/, EXIT.usage],
  ['an owner that is not an email', { owner: 'bob' }, /--owner must be an email address/, EXIT.usage],
  [
    'a purpose over 500 characters',
    { purpose: 'x'.repeat(501) },
    /--purpose must be at most 500/,
    EXIT.usage,
  ],
  ['a negative retention', { retentionDays: -1 }, /--retention-days must be positive/, EXIT.usage],
  ['an unknown load mode', { loadMode: 'merge' as never }, /--load-mode/, EXIT.usage],
  ['a duplicate code', { sourceCode: 'adhd_referrals' }, /already registered/, EXIT.conflict],
];

for (const [what, change, message, exitCode] of refusals) {
  test(`refuses ${what} and writes nothing`, async () => {
    const before = await counts();
    await assert.rejects(
      registerSource(db.pool, {
        ...valid,
        ...change,
        sourceCode: change.sourceCode ?? `ok_${before.sources}`,
      }),
      (err: unknown) => {
        assert.ok(err instanceof DatawarpError, 'a user error, not a crash');
        assert.match(err.message, message);
        assert.equal(err.exitCode, exitCode);
        assert.ok(err.hint, 'comes with a hint');
        return true;
      },
    );
    assert.deepEqual(await counts(), before);
  });
}

test('two registrations of one code at once: one wins, one is refused', async () => {
  const results = await Promise.allSettled([
    registerSource(db.pool, { ...valid, sourceCode: 'race' }),
    registerSource(db.pool, { ...valid, sourceCode: 'race' }),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal((rejected.reason as DatawarpError).code, 'SOURCE_EXISTS');
});

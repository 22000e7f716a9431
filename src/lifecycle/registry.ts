import os from 'node:os';
import type pg from 'pg';
import { z } from 'zod';
import { DatawarpError } from '../errors.js';
import {
  getSource,
  insertSource,
  listSources,
  tableRowCount,
  writeAudit,
  type SourceRow,
} from '../warehouse/queries/sources.js';
import { listLoadEvents, type LoadEventRow } from '../warehouse/queries/load-events.js';
import { inTransaction } from '../warehouse/warehouse.js';
import { LOAD_MODES } from './load-modes.js';

export { LOAD_MODES, type LoadMode } from './load-modes.js';

/** `tbl_` + code must fit PostgreSQL's 63-byte identifiers, so codes stop at 59 characters. */
export const SOURCE_CODE_PATTERN = /^[a-z][a-z0-9_]{0,58}$/;

export const SourceRegistration = z.object({
  sourceCode: z
    .string()
    .regex(
      SOURCE_CODE_PATTERN,
      'must start with a letter and hold only lowercase letters, digits and underscores (at most 59)',
    ),
  publication: z.string().trim().min(1, 'is required'),
  domain: z.string().trim().min(1, 'is required'),
  owner: z.email('must be an email address'),
  purpose: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters'),
  retentionDays: z.number().int('must be a whole number').positive('must be positive').default(365),
  loadMode: z.enum(LOAD_MODES).default('replace'),
  validationRequired: z.boolean().default(true),
});
export type SourceRegistration = z.input<typeof SourceRegistration>;

export function currentUser(): string {
  if (process.env.DATAWARP_USER) return process.env.DATAWARP_USER;
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function sourceTableName(code: string): string {
  return `tbl_${code}`;
}

const FLAG_OF: Record<string, string> = {
  sourceCode: 'SOURCE_CODE',
  publication: '--publication',
  domain: '--domain',
  owner: '--owner',
  purpose: '--purpose',
  retentionDays: '--retention-days',
  loadMode: '--load-mode',
  validationRequired: '--validation-required',
};

/** Validate a registration; the first problem becomes a one-line error naming the flag. */
export function parseRegistration(input: SourceRegistration): z.output<typeof SourceRegistration> {
  const result = SourceRegistration.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  const flag = FLAG_OF[field] ?? field;
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  throw new DatawarpError('SOURCE_INVALID', `${flag} ${message}`, {
    hint: 'see `datawarp register --help` for the fields a source needs',
  });
}

/** Register a source. Nothing is written when it is refused. */
export async function registerSource(
  pool: pg.Pool,
  input: SourceRegistration,
  createdBy = currentUser(),
): Promise<SourceRow> {
  const reg = parseRegistration(input);
  return inTransaction(pool, async (client) => {
    const existing = await getSource(client, reg.sourceCode);
    if (existing) {
      throw new DatawarpError(
        'SOURCE_EXISTS',
        `source ${reg.sourceCode} is already registered (status ${existing.status})`,
        {
          hint: `pick another code, or see it with \`datawarp sources show ${reg.sourceCode}\``,
        },
      );
    }
    let row: SourceRow;
    try {
      row = await insertSource(client, {
        source_code: reg.sourceCode,
        publication: reg.publication,
        domain: reg.domain,
        owner: reg.owner,
        purpose: reg.purpose,
        retention_days: reg.retentionDays,
        load_mode: reg.loadMode,
        validation_required: reg.validationRequired,
        table_name: sourceTableName(reg.sourceCode),
        created_by: createdBy,
      });
    } catch (err) {
      // a concurrent register of the same code won the race
      if ((err as { code?: string }).code === '23505') {
        throw new DatawarpError('SOURCE_EXISTS', `source ${reg.sourceCode} is already registered`, {
          cause: err,
        });
      }
      throw err;
    }
    await writeAudit(client, {
      action: 'register',
      actor: createdBy,
      source_code: reg.sourceCode,
      object_type: 'source',
      object_name: reg.sourceCode,
      details: reg,
    });
    return row;
  });
}

export async function requireSource(db: pg.ClientBase | pg.Pool, code: string): Promise<SourceRow> {
  const row = await getSource(db, code);
  if (!row) {
    throw new DatawarpError('SOURCE_NOT_FOUND', `source ${code} is not registered`, {
      hint: `register it first: datawarp register ${code} --publication ... --domain ... --owner ... --purpose ...`,
    });
  }
  return row;
}

export interface SourceDetails {
  readonly source: SourceRow;
  readonly rowCount: number | null;
  readonly lastLoad: LoadEventRow | null;
}

export async function describeSource(pool: pg.Pool, code: string): Promise<SourceDetails> {
  const source = await requireSource(pool, code);
  const rowCount = await tableRowCount(pool, source.schema_name, source.table_name);
  const [lastLoad] = await listLoadEvents(pool, code, 1);
  return { source, rowCount, lastLoad: lastLoad ?? null };
}

export { listSources, listLoadEvents };

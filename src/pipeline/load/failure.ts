import { TypeMisfit } from '../../engine/api.js';
import { DatawarpError, isDatawarpError } from '../../errors.js';
import type { TableSource } from './types.js';

/** A value the types did not foresee: the engine's TypeMisfit, or PostgreSQL rejecting a value (class 22). */
export function isMisfit(err: unknown): boolean {
  if (err instanceof TypeMisfit) return true;
  const code = (err as { code?: string })?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/** A failure as the user should see it: one line naming the file, with a hint. */
export function describeFailure(err: unknown, src: TableSource): unknown {
  if (isDatawarpError(err)) return err;
  if (err instanceof TypeMisfit) {
    return new DatawarpError(
      'DATA_INVALID',
      `a value does not fit even after re-typing the whole file: ${err.message}`,
      {
        file: src.file.reference,
        location: { line: err.row },
        hint: 'this is likely a bug in type detection; load with --test to inspect, and report the file',
        cause: err,
      },
    );
  }
  const pgErr = err as { code?: string; message?: string; where?: string };
  if (typeof pgErr?.code === 'string' && pgErr.code.startsWith('22')) {
    return new DatawarpError(
      'DATA_INVALID',
      `PostgreSQL refused a value: ${pgErr.message}${pgErr.where ? ` (${pgErr.where.split('\n')[0]})` : ''}`,
      {
        file: src.file.reference,
        hint: 'nothing was loaded; check the value in the file, or report it if the type datawarp chose is wrong',
        cause: err,
      },
    );
  }
  if (typeof pgErr?.code === 'string' && /^(08|53|57|58|XX|40|42|23)/.test(pgErr.code)) {
    return new DatawarpError('DB_ERROR', `the load failed in the database: ${pgErr.message}`, {
      file: src.file.reference,
      hint: 'nothing was loaded; the load event records the error (datawarp history)',
      cause: err,
    });
  }
  return err;
}

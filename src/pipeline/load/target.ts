import type pg from 'pg';
import { DatawarpError } from '../../errors.js';
import { SOURCE_CODE_PATTERN, sourceTableName } from '../../lifecycle/registry.js';
import { getSource, type SourceRow } from '../../warehouse/queries/sources.js';
import type { LoadMode, LoadTableOptions, TableSource } from './types.js';

/** Where a load goes and under which rules: the registry rule of DESIGN.md section 5. */
export interface LoadTarget {
  /** null for a test load (staging_test, no registry row touched) */
  readonly source: SourceRow | null;
  readonly schema: string;
  readonly table: string;
  readonly mode: LoadMode;
  /** a failing gate rolls the load back */
  readonly enforce: boolean;
}

/** The source's table, or staging_test with --test; refuses unregistered and archived sources. */
export async function resolveLoadTarget(client: pg.ClientBase, opts: LoadTableOptions): Promise<LoadTarget> {
  const code = opts.sourceCode;
  const source = await getSource(client, code);
  if (!source) {
    if (!opts.test) {
      throw new DatawarpError('SOURCE_NOT_FOUND', `source ${code} is not registered; nothing was loaded`, {
        hint: `register it first (datawarp register ${code} --publication ... --domain ... --owner ... --purpose ...), or add --test to load it into staging_test`,
      });
    }
    if (!SOURCE_CODE_PATTERN.test(code)) {
      throw new DatawarpError(
        'SOURCE_INVALID',
        `--source ${JSON.stringify(code)} is not a valid source code`,
        {
          hint: 'use lowercase letters, digits and underscores, starting with a letter (at most 59)',
        },
      );
    }
    return {
      source: null,
      schema: 'staging_test',
      table: sourceTableName(code),
      mode: opts.mode ?? 'replace',
      enforce: Boolean(opts.validate),
    };
  }
  if (source.status === 'archived') {
    throw new DatawarpError('SOURCE_INVALID', `source ${code} is archived; nothing was loaded`, {
      hint: 'register a new source code for new data',
    });
  }
  return {
    // --test on a registered source still lands in staging_test and leaves the source alone
    source: opts.test ? null : source,
    schema: opts.test ? 'staging_test' : source.schema_name,
    table: opts.test ? sourceTableName(code) : source.table_name,
    mode: opts.mode ?? source.load_mode,
    enforce: Boolean(opts.validate) || (!opts.test && source.validation_required),
  };
}

/** The file key groups the loads that replace each other: the same table of the same file, any period. */
export function fileKeyOf(src: TableSource): string {
  const stem = src.table.name || src.file.name.replace(/\.[^.]*$/, '');
  return `${stem}#${src.table.id}`;
}

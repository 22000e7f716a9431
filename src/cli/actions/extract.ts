import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { detectFile, readTableBatches, type FileSpec, type TableSpec } from '../../engine/index.js';
import { DatawarpError } from '../../errors.js';

interface ExtractCliOptions {
  table?: string;
  sheet?: string;
  output: string;
  typed?: boolean;
  headerless?: boolean;
}

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
export function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function pickTable(spec: FileSpec, id: string | undefined): TableSpec {
  if (id) {
    const t = spec.tables.find((x) => x.id === id);
    if (!t) {
      throw new DatawarpError('NOT_FOUND', `no table ${id} in this file`, {
        file: spec.file,
        hint: `tables: ${spec.tables.map((x) => x.id).join(', ') || 'none'} (see datawarp detect)`,
      });
    }
    return t;
  }
  const t = spec.tables.find((x) => x.kind === 'data') ?? spec.tables[0];
  if (!t)
    throw new DatawarpError('NO_TABLE', 'no table found in the file', {
      file: spec.file,
      hint: 'run datawarp detect to see what was found',
    });
  return t;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Stream one table as UTF-8 CSV to `out`; returns the number of data rows written. */
export async function extractTable(
  file: string,
  spec: FileSpec,
  table: TableSpec,
  typed: boolean,
  out: Writable,
): Promise<number> {
  const header = table.columns.map((c) => csvField(typed ? c.name : c.header)).join(',');
  await write(out, header + '\r\n');
  let rows = 0;
  for await (const batch of readTableBatches(file, spec, table.id, { values: typed ? 'typed' : 'display' })) {
    let text = '';
    for (const row of batch) text += row.map(csvField).join(',') + '\r\n';
    rows += batch.length;
    await write(out, text);
  }
  return rows;
}

export async function runExtract(file: string, opts: ExtractCliOptions): Promise<void> {
  const spec = await detectFile(file, {
    ...(opts.sheet ? { sheet: opts.sheet } : {}),
    ...(opts.headerless ? { headerless: true } : {}),
  });
  const table = pickTable(spec, opts.table);
  if (opts.output === '-') {
    try {
      await extractTable(file, spec, table, Boolean(opts.typed), process.stdout);
    } catch (err) {
      // the reader went away (`| head`): not an error
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
    }
    return;
  }
  // write beside the target and rename, so a failed extract leaves no half-written file
  const target = path.resolve(opts.output);
  const tmp = `${target}.${process.pid}.tmp`;
  const out = fs.createWriteStream(tmp);
  try {
    await extractTable(file, spec, table, Boolean(opts.typed), out);
    out.end();
    await once(out, 'close');
    fs.renameSync(tmp, target);
  } catch (err) {
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

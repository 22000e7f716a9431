import type { Hash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { qualified, quoteIdent } from './identifiers.js';

/**
 * COPY ... FROM STDIN in PostgreSQL's text format: the fastest way in. Rows are encoded into one
 * string per batch (~256 KB) and written with backpressure, so memory stays flat however big
 * the file, and the per-row cost is a few string appends.
 */

export type CopyValue = string | null;

export interface CopyRowsInput {
  readonly schema: string;
  readonly table: string;
  /** the COPY column list: the data columns (in `pick` order), then `constantColumns` */
  readonly columns: readonly string[];
  /** positions in each row of the values for `columns`; null = every value, in order */
  readonly pick: readonly number[] | null;
  /**
   * per data column, false when its values cannot hold a tab, line break or backslash (numbers
   * and dates as a typed reader writes them), so they skip the escaping check; default: all true
   */
  readonly escape?: readonly boolean[];
  /** columns given the same value on every row (lineage), appended after the data columns */
  readonly constantColumns: readonly string[];
  readonly constants: readonly CopyValue[];
  /** the rows, in batches (an array per chunk the reader produced) */
  readonly batches:
    AsyncIterable<readonly (readonly CopyValue[])[]> | Iterable<readonly (readonly CopyValue[])[]>;
  readonly signal?: AbortSignal;
  /** called about every `progressEvery` rows with the running count */
  readonly onProgress?: (rows: number) => void;
  readonly progressEvery?: number;
  /** given each row sent, with its data values as one COPY text line (the quality checks' stats) */
  readonly rowSink?: RowSink;
}

/** Receives each row copied: the reader's row (values at `pick`) and its data values encoded. */
export interface RowSink {
  add(row: readonly CopyValue[], line: string): void;
}

export interface CopyRowsResult {
  readonly rows: number;
}

const BATCH_CHARS = 256 * 1024;
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY text format: `\N` for null, backslash escapes for the four special characters. */
export function encodeCopyValue(value: CopyValue): string {
  if (value === null) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (c) => ESCAPED[c]!) : value;
}

/** The row's tail that never changes: the constant columns' values, encoded once. */
function encodeSuffix(constants: readonly CopyValue[]): string {
  return constants.length ? '\t' + constants.map(encodeCopyValue).join('\t') + '\n' : '\n';
}

export function copySql(schema: string, table: string, columns: readonly string[]): string {
  return `COPY ${qualified(schema, table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`;
}

/**
 * Stream `rows` into the table. If the rows throw (or `signal` aborts), the COPY is abandoned with
 * a CopyFail, the error is rethrown, and the caller's transaction is left to roll back.
 */
export async function copyRows(client: pg.ClientBase, input: CopyRowsInput): Promise<CopyRowsResult> {
  const sql = copySql(input.schema, input.table, [...input.columns, ...input.constantColumns]);
  const stream = client.query(copyFrom(sql));
  const failure = watchFailure(client, stream);
  const failed = failure.promise;

  const suffix = encodeSuffix(input.constants);
  const pick = input.pick;
  const width = pick ? pick.length : input.columns.length;
  const escape = input.escape ?? Array.from({ length: width }, () => true);
  const every = input.progressEvery ?? 10_000;
  const signal = input.signal;
  const sink = input.rowSink;
  let count = 0;
  let buffer = '';
  try {
    let nextProgress = every;
    for await (const batch of input.batches) {
      for (let r = 0; r < batch.length; r++) {
        const row = batch[r]!;
        let line = '';
        for (let i = 0; i < width; i++) {
          const v = row[pick ? pick[i]! : i];
          if (i > 0) line += '\t';
          if (v === null || v === undefined) line += '\\N';
          else line += escape[i] && NEEDS_ESCAPE.test(v) ? v.replace(ESCAPES, (c) => ESCAPED[c]!) : v;
        }
        sink?.add(row, line);
        buffer += line + suffix;
      }
      count += batch.length;
      if (buffer.length >= BATCH_CHARS) {
        if (failure.error) throw failure.error;
        if (signal?.aborted) throw signal.reason;
        const ok = stream.write(buffer);
        buffer = '';
        if (!ok) await Promise.race([once(stream, 'drain'), failed]);
      }
      if (count >= nextProgress) {
        nextProgress = count + every;
        if (signal?.aborted) throw signal.reason;
        input.onProgress?.(count);
      }
    }
    if (signal?.aborted) throw signal.reason;
    if (failure.error) throw failure.error;
    stream.end(buffer);
    await Promise.race([once(stream, 'finish'), failed]);
  } catch (err) {
    // the server's own error explains more than ours; our CopyFail's echo explains nothing
    const cause = failure.error ?? err;
    await abandon(stream, err);
    throw cause;
  }
  input.onProgress?.(count);
  return { rows: count };
}

/** How long to wait for the server to answer a CopyFail before leaving it to the caller's ROLLBACK. */
const ABANDON_WAIT_MS = 5_000;

/**
 * Send CopyFail and wait until the connection is ready for the caller's ROLLBACK. A connection
 * the server has cut (restart, failover, pg_terminate_backend) never answers, so the wait is
 * bounded; the ROLLBACK then fails on the dead connection and the caller sees that error.
 */
async function abandon(
  stream: NodeJS.WritableStream & { destroyed: boolean; destroy(e?: Error): void },
  err: unknown,
) {
  if (stream.destroyed) return;
  const closed = once(stream, 'close').catch(() => undefined);
  try {
    stream.destroy(err instanceof Error ? err : new Error(String(err)));
  } catch {
    return; // the connection is already gone
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ABANDON_WAIT_MS);
    timer.unref();
  });
  await Promise.race([closed, timeout]);
  clearTimeout(timer);
}

interface FailureWatch {
  /** the first error from the server or the connection, once there is one */
  readonly error: unknown;
  /** rejects with that error */
  readonly promise: Promise<never>;
}

/**
 * Errors surface on the COPY stream at any time (a bad value, the server ending the COPY); a
 * connection that drops without one is caught through the client's own `end`, so no wait for
 * 'drain' or 'finish' can outlive the connection.
 */
function watchFailure(client: pg.ClientBase, stream: NodeJS.EventEmitter): FailureWatch {
  const watch: { error: unknown; promise: Promise<never> } = { error: null, promise: null as never };
  watch.promise = new Promise<never>((_, reject) => {
    const fail = (err: unknown) => {
      if (watch.error !== null) return;
      watch.error = err;
      (client as unknown as NodeJS.EventEmitter).off('end', ended);
      reject(err);
    };
    const ended = () => fail(new Error('Connection terminated unexpectedly during COPY'));
    stream.on('error', fail);
    (client as unknown as NodeJS.EventEmitter).once('end', ended);
    stream.once('close', () => (client as unknown as NodeJS.EventEmitter).off('end', ended));
    stream.once('finish', () => (client as unknown as NodeJS.EventEmitter).off('end', ended));
  });
  watch.promise.catch(() => undefined);
  return watch;
}

export interface CopyCsvInput {
  readonly schema: string;
  readonly table: string;
  /** the table columns the file's fields go to, in field order */
  readonly columns: readonly string[];
  readonly file: string;
  /** 1-based physical lines to send, inclusive (a quoted field spanning lines counts each line) */
  readonly firstLine: number;
  readonly lastLine: number;
  readonly delimiter: string;
  readonly quote: string;
  readonly escape: string | null;
  readonly signal?: AbortSignal;
  /** called with the number of lines sent so far */
  readonly onProgress?: (lines: number) => void;
  /** given each line sent (duplicate-row check, the raw path's scan), while PostgreSQL parses */
  readonly lineSinks?: readonly LineSink[];
  /** given every byte of the file, the lines not sent too, so one pass also yields its SHA-256 */
  readonly hash?: Hash;
  /** one of `lineSinks` that drops parts of lines before they are sent */
  readonly editor?: LineEditor;
}

/** Receives one physical line, `buf[start, end)`, without its line break (or a carriage return before it). */
export interface LineSink {
  add(buf: Buffer, start: number, end: number): void;
}

/**
 * A sink that may have parts of the lines it was given sent as nothing: the raw path blanks a
 * suppression marker (`*`, `[c]`) so PostgreSQL reads the field as empty, that is null.
 */
export interface LineEditor extends LineSink {
  /** the byte ranges `[start, end)` to drop from the buffer the last lines came in; then forgets them */
  takeCuts(): number[];
}

/**
 * Stream a line range of a CSV file's bytes straight into `COPY ... (FORMAT csv)`: PostgreSQL
 * parses and converts, so JavaScript only finds line boundaries. Quoted empty strings load as
 * null, like unquoted ones. Columns not listed take their defaults. Only whole lines are sent
 * (a line cut by a chunk's end waits for the next chunk), so an editor can drop parts of any line.
 */
export async function copyCsvFile(client: pg.ClientBase, input: CopyCsvInput): Promise<CopyRowsResult> {
  const cols = input.columns.map(quoteIdent).join(', ');
  const lit = (c: string) => `'${c.replace(/'/g, "''")}'`;
  const options = [
    'FORMAT csv',
    `DELIMITER ${lit(input.delimiter)}`,
    `QUOTE ${lit(input.quote)}`,
    ...(input.escape ? [`ESCAPE ${lit(input.escape)}`] : []),
    `FORCE_NULL (${cols})`,
  ];
  const sql = `COPY ${qualified(input.schema, input.table)} (${cols}) FROM STDIN WITH (${options.join(', ')})`;
  const stream = client.query(copyFrom(sql));
  const failure = watchFailure(client, stream);
  const failed = failure.promise;
  const reader = createReadStream(input.file, { highWaterMark: 1 << 20 });
  const sinks = input.lineSinks ?? [];
  const editor = input.editor;
  const { firstLine, lastLine } = input;
  let line = 1; // the number of the next line to start
  // the start of a line the previous chunk cut off
  let carry: Buffer | null = null;

  /** Give the sinks the lines of `buf[from, to)`, which ends at a line break; the part to send. */
  const lines = (buf: Buffer, from: number, to: number): { start: number; end: number } | null => {
    let start = -1;
    let end = from;
    for (let pos = from; pos < to && line <= lastLine;) {
      const nl = buf.indexOf(10, pos);
      if (line >= firstLine) {
        if (start < 0) start = pos;
        end = nl + 1;
        const stop = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
        for (const s of sinks) s.add(buf, pos, stop);
      }
      line++;
      pos = nl + 1;
    }
    return start < 0 ? null : { start, end };
  };
  const send = async (buf: Buffer, part: { start: number; end: number } | null) => {
    if (!part) return;
    const cuts = editor?.takeCuts() ?? [];
    const ok = stream.write(
      cuts.length ? without(buf, part.start, part.end, cuts) : buf.subarray(part.start, part.end),
    );
    if (!ok) await Promise.race([once(stream, 'drain'), failed]);
  };

  try {
    for await (const chunk of reader as AsyncIterable<Buffer>) {
      if (input.signal?.aborted) throw input.signal.reason;
      if (failure.error) throw failure.error;
      input.hash?.update(chunk);
      // past the last line only the hash reads on
      if (line > lastLine) continue;
      const lastBreak = chunk.lastIndexOf(10);
      if (lastBreak < 0) {
        carry = carry ? Buffer.concat([carry, chunk]) : chunk;
        continue;
      }
      let from = 0;
      if (carry) {
        // the line the previous chunk began, whole
        const first = chunk.indexOf(10) + 1;
        const head = Buffer.concat([carry, chunk.subarray(0, first)]);
        carry = null;
        await send(head, lines(head, 0, head.length));
        from = first;
      }
      await send(chunk, lines(chunk, from, lastBreak + 1));
      if (lastBreak + 1 < chunk.length && line <= lastLine) carry = chunk.subarray(lastBreak + 1);
      input.onProgress?.(Math.max(0, Math.min(line, lastLine + 1) - firstLine));
      if (line > lastLine && !input.hash) break;
    }
    reader.destroy();
    // a last line without a line break
    if (carry && line >= firstLine && line <= lastLine) {
      for (const s of sinks) s.add(carry, 0, carry.length);
      const cuts = editor?.takeCuts() ?? [];
      const last = cuts.length ? without(carry, 0, carry.length, cuts) : carry;
      if (!stream.write(last)) await Promise.race([once(stream, 'drain'), failed]);
    }
    if (input.signal?.aborted) throw input.signal.reason;
    stream.end();
    await Promise.race([once(stream, 'finish'), failed]);
  } catch (err) {
    reader.destroy();
    const cause = failure.error ?? err;
    await abandon(stream, err);
    throw cause;
  }
  return { rows: (stream as unknown as { rowCount: number }).rowCount };
}

/** `buf[start, end)` without the ranges in `cuts` (pairs of offsets, in order, inside it). */
function without(buf: Buffer, start: number, end: number, cuts: readonly number[]): Buffer {
  let dropped = 0;
  for (let k = 0; k < cuts.length; k += 2) dropped += cuts[k + 1]! - cuts[k]!;
  const out = Buffer.allocUnsafe(end - start - dropped);
  let at = 0;
  let from = start;
  for (let k = 0; k < cuts.length; k += 2) {
    at += buf.copy(out, at, from, cuts[k]!);
    from = cuts[k + 1]!;
  }
  buf.copy(out, at, from, end);
  return out;
}

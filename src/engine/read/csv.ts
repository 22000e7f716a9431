/**
 * A streaming parser for delimited text that honours a Dialect. It works on decoded string chunks,
 * keeps only the unfinished record between chunks, and reports each record's 1-based physical
 * line number (a quoted field spanning lines counts every line). `\n`, `\r\n` and a lone `\r` all
 * end a record, so files with mixed line endings read correctly.
 */
import { createReadStream } from 'node:fs';
import { DatawarpError } from '../../errors.js';
import type { Dialect } from '../table-spec.js';
import { makeDecoder } from '../sniff/encoding.js';
import { gunzipChunks, isGzipFile } from './file-sample.js';

/** Records parsed from one chunk: `fields[i]` started on physical line `lines[i]`. */
export interface RecordBatch {
  readonly fields: string[][];
  readonly lines: number[];
}

/** A record longer than this (in characters) is refused rather than buffered without limit. */
export const MAX_RECORD_CHARS = 32 * 1024 * 1024;

const LF = 10;
const CR = 13;

export class RecordParser {
  private readonly delim: number;
  private readonly quote: number;
  private readonly backslash: boolean;
  private readonly comment: number;
  private rest = '';
  /** closing quotes followed by more text (`"a"b`): a sign the quote/escape guess is wrong */
  strayQuotes = 0;
  /** physical line number of the next record's first line */
  private line = 1;

  constructor(
    dialect: Pick<Dialect, 'delimiter' | 'quote' | 'escape' | 'comment'>,
    private readonly maxRecordChars = MAX_RECORD_CHARS,
    firstLine = 1,
  ) {
    this.delim = dialect.delimiter.charCodeAt(0);
    this.quote = dialect.quote ? dialect.quote.charCodeAt(0) : -1;
    this.backslash = dialect.escape === '\\';
    this.comment = dialect.comment ? dialect.comment.charCodeAt(0) : -1;
    this.line = firstLine;
  }

  /** The line the parser is at (the next record's first line). */
  get currentLine(): number {
    return this.line;
  }

  /** Buffered characters of an unfinished record. */
  get pending(): number {
    return this.rest.length;
  }

  /**
   * Parse `chunk` (appended to any unfinished record); push complete records into `out`. With
   * `final`, the text ends here and a last record without a line terminator is complete.
   *
   * Speed matters (this is the load path): lines without quotes are split natively; other
   * lines jump between delimiters and quotes with indexOf rather than walking characters.
   */
  feed(chunk: string, final: boolean, out: RecordBatch): void {
    const s = this.rest.length > 0 ? this.rest + chunk : chunk;
    this.rest = '';
    const n = s.length;
    const { delim, quote, comment, backslash } = this;
    const delimChar = String.fromCharCode(delim);
    const quoteChar = quote >= 0 ? String.fromCharCode(quote) : '';
    let pos = 0;
    let line = this.line;
    // next positions of LF, CR, quote and delimiter at or after `pos` (-1: none left), refreshed lazily
    let nextLf = -2;
    let nextCr = -2;
    let nextQuote = quote >= 0 ? -2 : -1;
    let nextDelim = -2;
    records: while (pos < n) {
      const recordStart = pos;
      const recordLine = line;
      if (nextLf !== -1 && nextLf < pos) nextLf = s.indexOf('\n', pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = s.indexOf('\r', pos);
      if (s.charCodeAt(pos) === comment) {
        const e =
          nextLf === -1 ? (nextCr === -1 ? n : nextCr) : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
        const after = endOfLine(s, e, n);
        if (after < 0) {
          if (!final) break;
          pos = n;
        } else pos = after;
        line++;
        continue;
      }
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = s.indexOf(quoteChar, pos);
      // Fast path: a whole line with no quote and no lone CR splits natively on the delimiter.
      if (
        nextLf >= 0 &&
        (nextQuote === -1 || nextQuote > nextLf) &&
        (nextCr === -1 || nextCr >= nextLf - 1)
      ) {
        const end = nextCr === nextLf - 1 ? nextCr : nextLf;
        out.fields.push(s.slice(pos, end).split(delimChar));
        out.lines.push(recordLine);
        line++;
        pos = nextLf + 1;
        continue;
      }
      const fields: string[] = [];
      for (;;) {
        let c = pos < n ? s.charCodeAt(pos) : -1;
        if (c === 32 && quote >= 0) {
          // `a, "b, c"`: spaces before an opening quote do not make the quote part of the value
          let k = pos;
          while (k < n && s.charCodeAt(k) === 32) k++;
          if (k < n && s.charCodeAt(k) === quote) {
            pos = k;
            c = quote;
          }
        }
        if (c === quote) {
          let p = pos + 1;
          let value = '';
          let closed = false;
          for (;;) {
            const q = s.indexOf(quoteChar, p);
            if (backslash) {
              const b = s.indexOf('\\', p);
              if (b >= 0 && (q < 0 || b < q)) {
                if (b + 1 >= n) break;
                line += breaksIn(s, p, b + 2);
                value += s.slice(p, b) + s.charAt(b + 1);
                p = b + 2;
                continue;
              }
            }
            if (q < 0) break;
            // count line breaks inside the quotes only when the cached next break says there are some
            if (nextLf !== -1 && nextLf < p) nextLf = s.indexOf('\n', p);
            if (nextCr !== -1 && nextCr < p) nextCr = s.indexOf('\r', p);
            if ((nextLf >= 0 && nextLf < q) || (nextCr >= 0 && nextCr < q)) line += breaksIn(s, p, q);
            if (q + 1 >= n && !final) break; // a doubled quote may continue in the next chunk
            if (!backslash && s.charCodeAt(q + 1) === quote) {
              value += s.slice(p, q + 1);
              p = q + 2;
              continue;
            }
            value += s.slice(p, q);
            p = q + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (!final) {
              pos = recordStart;
              line = recordLine;
              break records;
            }
            // an unterminated quote at the end of the file: keep what is there
            line += breaksIn(s, p, n);
            value += s.slice(p, n);
            pos = n;
          } else {
            pos = p;
            // text after the closing quote (`"a"b`) belongs to the field, as readers commonly do
            let e = pos;
            while (e < n) {
              const d = s.charCodeAt(e);
              if (d === delim || d === LF || d === CR) break;
              e++;
            }
            if (e > pos) {
              value += s.slice(pos, e);
              this.strayQuotes++;
            }
            pos = e;
          }
          fields.push(value);
        } else {
          if (nextLf !== -1 && nextLf < pos) nextLf = s.indexOf('\n', pos);
          if (nextCr !== -1 && nextCr < pos) nextCr = s.indexOf('\r', pos);
          if (nextDelim !== -1 && nextDelim < pos) nextDelim = s.indexOf(delimChar, pos);
          let e = n;
          if (nextLf >= 0) e = nextLf;
          if (nextCr >= 0 && nextCr < e) e = nextCr;
          if (nextDelim >= 0 && nextDelim < e) e = nextDelim;
          fields.push(s.slice(pos, e));
          pos = e;
        }
        if (pos >= n) {
          if (!final) {
            pos = recordStart;
            line = recordLine;
            break records;
          }
          out.fields.push(fields);
          out.lines.push(recordLine);
          line++;
          break records;
        }
        c = s.charCodeAt(pos);
        if (c === delim) {
          pos++;
          continue;
        }
        // a line terminator
        if (c === CR) {
          if (pos + 1 >= n && !final) {
            pos = recordStart;
            line = recordLine;
            break records;
          }
          pos += s.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else pos++;
        line++;
        out.fields.push(fields);
        out.lines.push(recordLine);
        continue records;
      }
    }
    if (pos < n) {
      if (n - pos > this.maxRecordChars) {
        throw new RecordTooLong(line, this.maxRecordChars);
      }
      this.rest = s.slice(pos);
    }
    this.line = line;
  }
}

/** Line breaks (LF, CRLF or a lone CR) in `s[from, to)`. */
function breaksIn(s: string, from: number, to: number): number {
  let k = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) k++;
  for (let i = s.indexOf('\r', from); i >= 0 && i < to; i = s.indexOf('\r', i + 1)) {
    if (s.charCodeAt(i + 1) !== LF) k++;
  }
  return k;
}

/** Position after the line terminator at `e`, or -1 when the text ends before one is complete. */
function endOfLine(s: string, e: number, n: number): number {
  if (e >= n) return -1;
  if (s.charCodeAt(e) === CR) {
    if (e + 1 >= n) return -1;
    return s.charCodeAt(e + 1) === LF ? e + 2 : e + 1;
  }
  return e + 1;
}

export class RecordTooLong extends Error {
  constructor(
    readonly line: number,
    readonly limit: number,
  ) {
    super(`record at line ${line} is longer than ${Math.round(limit / 1024 / 1024)} MB`);
  }
}

/** Parse a whole (sample) text into records. */
export function parseText(
  text: string,
  dialect: Pick<Dialect, 'delimiter' | 'quote' | 'escape' | 'comment'>,
  final = true,
  firstLine = 1,
): RecordBatch & { strayQuotes: number } {
  const out: RecordBatch = { fields: [], lines: [] };
  const parser = new RecordParser(dialect, Number.MAX_SAFE_INTEGER, firstLine);
  parser.feed(text, final, out);
  return { ...out, strayQuotes: parser.strayQuotes };
}

export interface StreamOptions {
  readonly encoding: string;
  readonly dialect: Dialect;
  readonly signal?: AbortSignal;
  /** bytes per read; records are parsed per chunk */
  readonly chunkBytes?: number;
}

/** Stream a file's records in batches (one per chunk read), decoded and parsed. */
export async function* streamRecords(path: string, options: StreamOptions): AsyncGenerator<RecordBatch> {
  const decoder = makeDecoder(options.encoding, path);
  const parser = new RecordParser(options.dialect);
  const gzip = await isGzipFile(path);
  const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  const chunks = gzip ? gunzipChunks(path) : (stream as AsyncIterable<Buffer>);
  try {
    for await (const chunk of chunks) {
      if (options.signal?.aborted) throw cancelled(path);
      const out: RecordBatch = { fields: [], lines: [] };
      feedOrThrow(parser, decoder.write(chunk), false, out, path);
      if (out.fields.length > 0) yield out;
    }
    const out: RecordBatch = { fields: [], lines: [] };
    feedOrThrow(parser, decoder.end(), true, out, path);
    if (out.fields.length > 0) yield out;
  } finally {
    stream.destroy();
  }
}

function feedOrThrow(
  parser: RecordParser,
  text: string,
  final: boolean,
  out: RecordBatch,
  path: string,
): void {
  try {
    parser.feed(text, final, out);
  } catch (err) {
    if (err instanceof RecordTooLong) {
      throw new DatawarpError('LINE_TOO_LONG', err.message, {
        file: path,
        location: { line: err.line },
        hint: 'the file is not line-oriented text, or a quote is never closed; check the quote character',
        cause: err,
      });
    }
    throw err;
  }
}

function cancelled(path: string): DatawarpError {
  return new DatawarpError('CANCELLED', 'reading was cancelled', { file: path });
}

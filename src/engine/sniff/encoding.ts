/**
 * Which character encoding a text file uses, from a bounded sample of its first bytes: a byte
 * order mark wins; then UTF-16 by its zero bytes; then UTF-8 if the sample is valid UTF-8; then a
 * statistical detector (chardet). Western single-byte guesses become Windows-1252, a superset of
 * ISO-8859-1 that also maps `–` and `£` as Windows writes them.
 */
import type * as Chardet from 'chardet';
import type Iconv from 'iconv-lite';
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { DatawarpError } from '../../errors.js';

const require = createRequire(import.meta.url);
let chardetLib: typeof Chardet | undefined;
let iconvLib: typeof Iconv | undefined;
// loaded on first use: UTF-8 text, the usual case, needs neither, so its loads skip their start-up
const chardet = () => (chardetLib ??= require('chardet') as typeof Chardet);
const iconv = () => (iconvLib ??= require('iconv-lite') as typeof Iconv);

export interface EncodingGuess {
  /** an iconv-lite name: `utf-8`, `utf-16le`, `windows-1252`, ... */
  readonly encoding: string;
  /** bytes of byte order mark at the start of the file */
  readonly bomLength: number;
  readonly confidence: number;
}

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });

/** Drop a multi-byte UTF-8 sequence cut off by the end of a sample. */
function trimPartialUtf8(b: Buffer): Buffer {
  let i = b.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (b[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return b;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? b.subarray(0, i) : b;
}

export function isValidUtf8(sample: Buffer, whole: boolean): boolean {
  try {
    UTF8_STRICT.decode(whole ? sample : trimPartialUtf8(sample));
    return true;
  } catch {
    return false;
  }
}

/** Count well-formed multi-byte UTF-8 sequences and bytes that cannot be UTF-8. */
function utf8Evidence(b: Buffer): { sequences: number; invalid: number } {
  let sequences = 0;
  let invalid = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x80) continue;
    const need = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : -1;
    if (need < 0) {
      invalid++;
      continue;
    }
    let ok = i + need < b.length;
    for (let k = 1; ok && k <= need; k++) ok = (b[i + k]! & 0xc0) === 0x80;
    if (ok) {
      sequences++;
      i += need;
    } else if (i + need < b.length) invalid++;
  }
  return { sequences, invalid };
}

function utf16WithoutBom(b: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Share of bytes that never occur in text (controls other than tab, CR, LF, FF, ESC, SUB). */
function binaryShare(b: Buffer): number {
  const n = Math.min(b.length, 65536);
  if (n === 0) return 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27 && c !== 26) odd++;
  }
  return odd / n;
}

/** Single-byte Latin encodings: read as Windows-1252, the superset Windows writes in the UK. */
const LATIN = /^(iso-8859-(1|2|3|4|9|10|13|14|15|16)|windows-125[02478]|ascii|utf-8)$/i;
/** Scripts a statistical guess must be confident about before it beats Windows-1252. */
const CONFIDENT = 50;

/** True when every high byte of `b` pairs up as Shift_JIS (lead 81–9F/E0–FC, trail 40–7E/80–FC). */
function looksShiftJis(b: Buffer): boolean {
  let pairs = 0;
  let sjisOnlyLeads = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x80 || (c >= 0xa1 && c <= 0xdf)) continue; // ASCII or half-width katakana
    const lead = (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc);
    if (!lead) return false;
    if (i + 1 >= b.length) break;
    const t = b[i + 1]!;
    if (!((t >= 0x40 && t <= 0x7e) || (t >= 0x80 && t <= 0xfc))) return false;
    if (c <= 0x9f) sjisOnlyLeads++;
    pairs++;
    i++;
  }
  return pairs >= 2 && sjisOnlyLeads > 0;
}

/** True when every high byte of `b` pairs up as an EUC code (both bytes A1–FE). */
function looksEuc(b: Buffer): boolean {
  let pairs = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x80) continue;
    if (c < 0xa1 || c === 0xff || i + 1 >= b.length) return i + 1 >= b.length && pairs >= 2;
    const t = b[i + 1]!;
    if (t < 0xa1 || t === 0xff) return false;
    pairs++;
    i++;
  }
  return pairs >= 2;
}

function chooseLegacy(sample: Buffer): { encoding: string; confidence: number } {
  const candidates = chardet().analyse(sample);
  const top = candidates[0];
  const name = top?.name.toLowerCase() ?? 'windows-1252';
  const confidence = (top?.confidence ?? 30) / 100;
  if (top && top.confidence >= CONFIDENT && !LATIN.test(name) && iconv().encodingExists(name)) {
    return { encoding: name, confidence };
  }
  // small samples fool the statistics: the byte structure of double-byte encodings is surer
  if (looksShiftJis(sample)) return { encoding: 'shift_jis', confidence: 0.8 };
  if (looksEuc(sample)) {
    const euc = candidates.find((c) => /^(euc-jp|euc-kr|gb18030|big5)$/i.test(c.name));
    return { encoding: (euc?.name ?? 'euc-jp').toLowerCase(), confidence: 0.6 };
  }
  return { encoding: 'windows-1252', confidence: LATIN.test(name) ? confidence : 0.5 };
}

/**
 * Guess the encoding of `sample` (the first bytes of `file`; `whole` when it is the entire file).
 * Throws FILE_BINARY for data that is not text, FILE_ENCODING for UTF-8 with broken sequences.
 */
export function detectEncoding(sample: Buffer, file: string, whole: boolean): EncodingGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf-8', bomLength: 3, confidence: 1 };
  }
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, confidence: 1 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, confidence: 1 };
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bomLength: 0, confidence: 0.9 };
  if (binaryShare(sample) > 0.05) {
    throw new DatawarpError('FILE_BINARY', 'this is binary data, not a text table', {
      file,
      hint: 'datawarp reads CSV/TSV text, xlsx, xls, ods and zip files; check the file is what its name says',
    });
  }
  if (isValidUtf8(sample, whole)) return { encoding: 'utf-8', bomLength: 0, confidence: 1 };
  const { sequences, invalid } = utf8Evidence(sample);
  if (sequences > 0 && sequences >= invalid) {
    throw new DatawarpError(
      'FILE_ENCODING',
      `not valid UTF-8: ${invalid} broken byte sequence(s) among UTF-8 text`,
      {
        file,
        hint: 're-save the file as UTF-8; it looks like UTF-8 damaged by a mixed copy',
      },
    );
  }
  const legacy = chooseLegacy(sample);
  return { encoding: legacy.encoding, bomLength: 0, confidence: legacy.confidence };
}

export interface TextDecoderLike {
  write(chunk: Buffer): string;
  end(): string;
}

/** An incremental decoder that strips a BOM; invalid UTF-8 is a FILE_ENCODING error, not U+FFFD. */
export function makeDecoder(encoding: string, file: string): TextDecoderLike {
  if (encoding === 'utf-8') return utf8Decoder(file);
  const d = iconv().getDecoder(encoding, { stripBOM: true });
  return { write: (chunk) => d.write(chunk), end: () => d.end() ?? '' };
}

/**
 * UTF-8, strictly. A head sample of pure ASCII proves nothing about the rest of the file: if a
 * byte that is not UTF-8 turns up before any multi-byte UTF-8 character has, the file was
 * Windows-1252 all along (a `£` or `é` far down a UK export) and the rest is read so. Broken
 * UTF-8 after real UTF-8 characters is a FILE_ENCODING error.
 */
function utf8Decoder(file: string): TextDecoderLike {
  const d = new TextDecoder('utf-8', { fatal: true });
  let sawMultibyte = false;
  let fallback: Iconv.DecoderStream | null = null;
  const fail = (err: unknown): never => {
    throw new DatawarpError('FILE_ENCODING', 'not valid UTF-8 further into the file', {
      file,
      hint: 're-save the file as UTF-8, or convert it with iconv before loading',
      cause: err,
    });
  };
  return {
    write: (chunk) => {
      if (fallback) return fallback.write(chunk);
      try {
        const text = d.decode(chunk, { stream: true });
        if (!sawMultibyte && !isAscii(chunk)) sawMultibyte = true;
        return text;
      } catch (err) {
        if (sawMultibyte) return fail(err);
        // no multi-byte character so far, so nothing is buffered: re-read this chunk as 1252
        fallback = iconv().getDecoder('windows-1252');
        return fallback.write(chunk);
      }
    },
    end: () => {
      if (fallback) return fallback.end() ?? '';
      try {
        return d.decode();
      } catch (err) {
        return fail(err);
      }
    },
  };
}

/** Decode a whole sample (dropping a cut-off character at its end when it is not the whole file). */
export function decodeSample(sample: Buffer, encoding: string, whole: boolean, file: string): string {
  const d = makeDecoder(encoding, file);
  const bytes = encoding === 'utf-8' && !whole ? trimPartialUtf8(sample) : sample;
  return d.write(bytes) + (whole ? d.end() : '');
}

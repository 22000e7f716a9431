/**
 * A file's format from its first bytes (the name only breaks ties): ZIP containers are told apart
 * by their members (xlsx has `xl/`, ods a `mimetype` member), OLE2 files are legacy xls (or an
 * encrypted xlsx, which the workbook reader reports), gzip holds delimited text, the rest is
 * delimited text.
 */
import { open } from 'node:fs/promises';
import { DatawarpError } from '../../errors.js';
import type { FileFormat } from '../table-spec.js';
import { sniffMarkup } from './markup.js';

const PROBE_BYTES = 64 * 1024;

export async function sniffFormat(path: string, name: string): Promise<FileFormat> {
  let head: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(PROBE_BYTES);
      const { bytesRead } = await fh.read(buf, 0, PROBE_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new DatawarpError('FILE_NOT_FOUND', 'file not found or not readable', {
      file: path,
      hint: 'check the path and that you may read it',
      cause: err,
    });
  }
  if (head.length === 0) {
    throw new DatawarpError('FILE_EMPTY', 'the file is empty', {
      file: path,
      hint: 'nothing to load: check the download or export',
    });
  }
  const lower = name.toLowerCase();
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7)) {
    const text = head.toString('latin1');
    if (text.includes('mimetypeapplication/vnd.oasis.opendocument.spreadsheet') || lower.endsWith('.ods'))
      return 'ods';
    // judge by the first member's name: a plain ZIP holding an uncompressed xlsx also shows
    // `[Content_Types].xml` and `xl/` in its first bytes
    const first = head.length >= 30 ? head.toString('utf8', 30, 30 + head.readUInt16LE(26)) : '';
    if (/\.(xlsx|xlsm|xlsb)$/.test(lower) || /^(\[Content_Types\]\.xml$|xl\/|_rels\/|docProps\/)/.test(first))
      return 'xlsx';
    return 'zip';
  }
  if (head.readUInt32BE(0) === 0xd0cf11e0 && head.length >= 8) return 'xls';
  // an `.xls` that is an HTML table or Excel 2003 XML opens as a workbook; an HTML page is no data
  const markup = sniffMarkup(head);
  if (markup === 'workbook') return 'xls';
  if (markup === 'page') {
    throw new DatawarpError('FILE_UNSUPPORTED', 'an HTML page, not a data file', {
      file: path,
      hint: 'the download may have returned an error or landing page; check the URL',
    });
  }
  // gzip: delimited text read through a decompressor (readers check the magic bytes themselves)
  return 'csv';
}

/**
 * Excel's own CSV exports in the corpus, read by a parser written apart from datawarp's so that
 * the comparison is an independent check. Shared by the excel corpus test and bench:detect.
 */
import iconv from 'iconv-lite';

/** RFC 4180 with CRLF, as Excel writes it; Windows-1252 bytes. */
export function parseExcelCsv(bytes: Buffer): string[][] {
  const text = iconv.decode(bytes, 'win1252');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

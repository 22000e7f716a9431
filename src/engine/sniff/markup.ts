// apart from read/workbook.ts, so that sniffing a text file's format does not load SheetJS
/**
 * Old publications' `.xls` files are often an HTML table or Excel 2003 XML (SpreadsheetML):
 * markup that Excel opens as a workbook. 'page' is HTML with no table (an error or landing page).
 */
export function sniffMarkup(bytes: Uint8Array): 'workbook' | 'page' | null {
  const head = Buffer.from(bytes.subarray(0, 65536))
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (!head.startsWith('<')) return null;
  const lower = head.toLowerCase();
  if (lower.includes('urn:schemas-microsoft-com:office:spreadsheet') || lower.includes('<table'))
    return 'workbook';
  return /^<(!doctype html|html)/.test(lower) ? 'page' : null;
}

/**
 * Excel's number formats and date serials. A serial counts days from 1899-12-30 (with Lotus's
 * phantom 29 February 1900 below serial 61) or, in the 1904 date system, from 1904-01-01.
 */

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/** ISO date (or `YYYY-MM-DD HH:MM:SS` when the serial has a time part) for an Excel serial. */
export function excelSerialToIso(serial: number, date1904 = false): string {
  let days = serial;
  // serials 1..60 in the 1900 system count from 1899-12-31 because of the phantom leap day
  if (!date1904 && serial < 61) days += 1;
  const ms = Math.round(days * DAY_MS) + (date1904 ? EPOCH_1904 : EPOCH_1900);
  const iso = new Date(ms).toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

/** Strip literal text, colours and conditions from a format so only its tokens remain. */
function formatTokens(numFmt: string): string {
  return numFmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_.|\*./g, '');
}

/** True for formats that show a date or time (`mmm-yy`, `dd/mm/yyyy`, `h:mm`). */
export function isExcelDateFormat(numFmt: string): boolean {
  if (numFmt === 'General' || numFmt === '@') return false;
  const t = formatTokens(numFmt).split(';')[0] ?? '';
  return /[dmyhs]/i.test(t) && !/[0#?]/.test(t.replace(/\.0+/, ''));
}

/** True unless the format shows no day (`mmm-yy`, `mmmm yyyy`): such a date means its whole month. */
export function excelFormatHasDay(numFmt: string): boolean {
  if (!isExcelDateFormat(numFmt)) return true;
  return /d/i.test(formatTokens(numFmt));
}

/**
 * The period a file reports on, from its name, a sheet title or its URL (percent-decoded first,
 * so `%202025` is not read as `2020`). Month names match whole words only. Recognised, most
 * specific first: NHS financial-year quarters (`Q2 2025-26`, Q1 = April–June), a range of months
 * (`April to June 2025` is that quarter; others are `2025-02/2025-05`), a month (`Oct_25`,
 * `november-2025`, `2025-11`, `202511`), a day (`20241201`, `2024-12-01`), a financial year
 * (`2025-26`), a calendar year (`2021`).
 */
import type { Period } from './table-spec.js';
import { MONTHS, daysInMonth, isoDate } from './infer/date.js';
import { decodeName, tokenize, type Token } from './tokens.js';

function isYear(n: number): boolean {
  return n >= 1990 && n <= 2100;
}

function monthPeriod(y: number, m: number): Period {
  return {
    code: `${y}-${String(m).padStart(2, '0')}`,
    start: isoDate(y, m, 1),
    end: isoDate(y, m, daysInMonth(y, m)),
  };
}

function fyQuarter(fyStart: number, q: number): Period {
  const startMonth = [4, 7, 10, 1][q - 1]!;
  const year = q === 4 ? fyStart + 1 : fyStart;
  const endMonth = startMonth + 2;
  return {
    code: `FY${fyStart}-${String((fyStart + 1) % 100).padStart(2, '0')}-Q${q}`,
    start: isoDate(year, startMonth, 1),
    end: isoDate(year, endMonth, daysInMonth(year, endMonth)),
  };
}

function financialYear(fyStart: number): Period {
  return {
    code: `FY${fyStart}-${String((fyStart + 1) % 100).padStart(2, '0')}`,
    start: isoDate(fyStart, 4, 1),
    end: isoDate(fyStart + 1, 3, 31),
  };
}

/** `2025` + `26` (or `2026`) is a financial year when the second follows the first. */
function fyPair(a: Token | undefined, b: Token | undefined): number | null {
  if (!a?.digits || !b?.digits || a.text.length !== 4 || b.glued) return null;
  if (b.sep !== '-' && b.sep !== '_' && b.sep !== '/') return null;
  const y = Number(a.text);
  if (!isYear(y)) return null;
  const next = b.text.length === 2 ? (y + 1) % 100 : y + 1;
  return Number(b.text) === next && (b.text.length === 2 || b.text.length === 4) ? y : null;
}

function twoOrFourDigitYear(t: Token | undefined): number | null {
  if (!t?.digits) return null;
  if (t.text.length === 4) return isYear(Number(t.text)) ? Number(t.text) : null;
  if (t.text.length === 2) return 2000 + Number(t.text);
  return null;
}

function findInTokens(tokens: readonly Token[]): Period | null {
  // Q2 2025-26, Q2_2025_26, 2025-26 Q2
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const q =
      /^q([1-4])$/.exec(t.lower) ??
      (t.lower === 'q' && /^[1-4]$/.test(tokens[i + 1]?.text ?? '') ? [] : null);
    if (!q) continue;
    const quarter = q.length > 1 ? Number(q[1]) : Number(tokens[i + 1]!.text);
    const after = q.length > 1 ? i + 1 : i + 2;
    const fy =
      fyPair(tokens[after], tokens[after + 1]) ?? (i >= 2 ? fyPair(tokens[i - 2], tokens[i - 1]) : null);
    if (fy !== null) return fyQuarter(fy, quarter);
  }
  // a range of months (`April to June 2025`, `Apr-Jun 2025`): a financial quarter when it is one
  for (let i = 0; i + 2 < tokens.length; i++) {
    const m1 = MONTHS[tokens[i]!.lower];
    if (m1 === undefined) continue;
    // `Nov 2025 - Feb 2026` names both years; `Apr-Jun 2025` only the last
    const ownYear = twoOrFourDigitYear(tokens[i + 1]);
    let k = ownYear === null ? i + 1 : i + 2;
    if (tokens[k]?.lower === 'to') k++;
    const m2 = MONTHS[tokens[k]?.lower ?? ''];
    const y2 = twoOrFourDigitYear(tokens[k + 1]);
    if (m2 === undefined || y2 === null || (m2 === m1 && ownYear === null)) continue;
    const y1 = ownYear ?? (m1 > m2 ? y2 - 1 : y2);
    if (y1 * 12 + m1 >= y2 * 12 + m2) continue;
    const quarter = [4, 7, 10, 1].indexOf(m1);
    if (quarter >= 0 && y2 * 12 + m2 - (y1 * 12 + m1) === 2)
      return fyQuarter(m1 === 1 ? y1 - 1 : y1, quarter + 1);
    return {
      code: `${monthPeriod(y1, m1).code}/${monthPeriod(y2, m2).code}`,
      start: monthPeriod(y1, m1).start,
      end: monthPeriod(y2, m2).end,
    };
  }
  // month name + year (`Oct_25`, `november-2025`, `september2023`) or year + month name
  for (let i = 0; i < tokens.length; i++) {
    const m = MONTHS[tokens[i]!.lower];
    if (m === undefined) continue;
    const after = twoOrFourDigitYear(tokens[i + 1]);
    if (after !== null) return monthPeriod(after, m);
    const before = tokens[i - 1];
    if (before?.digits && before.text.length === 4 && isYear(Number(before.text)))
      return monthPeriod(Number(before.text), m);
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.digits) continue;
    // YYYYMMDD and YYYYMM
    if (t.text.length === 8 || t.text.length === 6) {
      const y = Number(t.text.slice(0, 4));
      const mo = Number(t.text.slice(4, 6));
      if (isYear(y) && mo >= 1 && mo <= 12) {
        if (t.text.length === 6) return monthPeriod(y, mo);
        const d = Number(t.text.slice(6));
        if (d >= 1 && d <= daysInMonth(y, mo))
          return { code: isoDate(y, mo, d), start: isoDate(y, mo, d), end: isoDate(y, mo, d) };
      }
    }
    // YYYY-MM(-DD)
    if (t.text.length === 4 && isYear(Number(t.text))) {
      const next = tokens[i + 1];
      if (
        fyPair(t, next) !== null &&
        !(next!.text.length === 2 && Number(next!.text) <= 12 && tokens[i + 2]?.digits)
      ) {
        return financialYear(Number(t.text));
      }
      if (next?.digits && next.text.length === 2 && !next.glued && (next.sep === '-' || next.sep === '_')) {
        const mo = Number(next.text);
        if (mo >= 1 && mo <= 12) {
          const day = tokens[i + 2];
          const y = Number(t.text);
          if (day?.digits && day.text.length === 2 && !day.glued && day.sep === next.sep) {
            const d = Number(day.text);
            if (d >= 1 && d <= daysInMonth(y, mo))
              return { code: isoDate(y, mo, d), start: isoDate(y, mo, d), end: isoDate(y, mo, d) };
          }
          return monthPeriod(y, mo);
        }
      }
    }
  }
  // a lone year
  for (const t of tokens) {
    if (t.digits && t.text.length === 4 && isYear(Number(t.text))) {
      const y = Number(t.text);
      return { code: String(y), start: isoDate(y, 1, 1), end: isoDate(y, 12, 31) };
    }
  }
  return null;
}

/** The period in the first of `texts` that names one (file name, then sheet title, then URL). */
export function detectPeriod(...texts: (string | null | undefined)[]): Period | null {
  for (const text of texts) {
    if (!text) continue;
    const found = findInTokens(tokenize(decodeName(text)));
    if (found) return found;
  }
  return null;
}

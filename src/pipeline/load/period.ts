import { DatawarpError } from '../../errors.js';
import type { Period } from '../../engine/table-spec.js';

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * `--period` as the user typed it: `2025-11` (a month), `2025` (a year), `2025-Q2` (calendar
 * quarter), `FY2025-26` (April to March) or `2025-11-03` (a day).
 */
export function parsePeriod(text: string): Period {
  const t = text.trim();
  let m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo >= 1 && mo <= 12)
      return { code: t, start: `${y}-${pad(mo)}-01`, end: `${y}-${pad(mo)}-${lastDay(y, mo)}` };
  }
  m = /^(\d{4})$/.exec(t);
  if (m) return { code: t, start: `${t}-01-01`, end: `${t}-12-31` };
  m = /^(\d{4})-Q([1-4])$/i.exec(t);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    const first = (q - 1) * 3 + 1;
    return {
      code: `${y}-Q${q}`,
      start: `${y}-${pad(first)}-01`,
      end: `${y}-${pad(first + 2)}-${lastDay(y, first + 2)}`,
    };
  }
  m = /^FY(\d{4})-(\d{2})$/i.exec(t);
  if (m && (Number(m[1]) + 1) % 100 === Number(m[2])) {
    const y = Number(m[1]);
    return { code: `FY${y}-${m[2]}`, start: `${y}-04-01`, end: `${y + 1}-03-31` };
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) {
    const d = new Date(`${t}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(t)) return { code: t, start: t, end: t };
  }
  throw new DatawarpError('USAGE', `--period ${JSON.stringify(text)} is not a period datawarp understands`, {
    hint: 'use 2025-11 (month), 2025-Q2, FY2025-26, 2025 or 2025-11-03',
  });
}

import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from '@e965/xlsx';
import { formatCount } from '../format.js';

/**
 * A made-up monthly statistical publication with the faults real ones have: a title block above
 * the header, notes below the data, suppressed cells (`*`, `c`), thousands separators, quoted
 * commas, day-first dates, and a workbook whose first sheet is notes. Deterministic, so a second
 * `datawarp demo` finds the same files and skips them.
 */

export interface DemoFile {
  readonly file: string;
  readonly source: string;
  /** the workbook sheet holding the table */
  readonly sheet?: string;
  readonly publication: string;
  readonly mode: 'replace' | 'append' | 'fullload';
}

const PRACTICES = [
  'Riverside',
  'Oak Lane',
  'Hill Top',
  'Market Street',
  'Station Road',
  'Elm Tree',
  'Castle View',
];
const ICBS = ['QWO West Yorkshire', 'QF7 South Yorkshire', 'QOQ Humber and North Yorkshire'];

function gpCsv(month: number): string {
  const lines = [
    `Patients Registered at a GP Practice - ${month === 11 ? 'November' : 'December'} 2025`,
    'Official statistics; published by the Demo Health Authority',
    '',
    'Practice Code,Practice Name,ICB,Registered Patients,Patients Aged 65+,Share 65+ (%),Extract Date',
  ];
  for (let i = 0; i < 60; i++) {
    const total = 2_000 + ((i * 7919 + month * 31) % 14_000);
    const old = Math.round(total * (0.12 + (i % 9) / 100));
    const suppressed = i % 17 === 5;
    const name = `${PRACTICES[i % PRACTICES.length]} Surgery${i % 4 === 0 ? ', Annexe' : ''}`;
    lines.push(
      [
        `Y${String(10_000 + i * 37).padStart(5, '0')}`,
        name.includes(',') ? `"${name}"` : name,
        ICBS[i % ICBS.length],
        total >= 1000 ? `"${formatCount(total)}"` : String(total),
        suppressed ? '*' : String(old),
        suppressed ? 'c' : ((old / total) * 100).toFixed(1),
        `01/${month}/2025`,
      ].join(','),
    );
  }
  lines.push(
    '',
    'Notes:',
    '* and c: suppressed to protect confidentiality (fewer than 5 patients).',
    'Source: Demo GP registration system',
  );
  return lines.join('\r\n') + '\r\n';
}

function aeWorkbook(): XLSX.WorkBook {
  const wb = XLSX.utils.book_new();
  const notes = XLSX.utils.aoa_to_sheet([
    ['A&E Attendances and Emergency Admissions - November 2025'],
    [],
    ['This workbook holds provider-level and ICB-level figures.'],
    ['Figures marked * are suppressed.'],
  ]);
  XLSX.utils.book_append_sheet(wb, notes, 'Notes');
  const provider: (string | number)[][] = [
    ['A&E attendances by provider, November 2025'],
    [],
    ['Provider Code', 'Provider Name', 'Type 1 Attendances', 'Type 2 Attendances', 'Within 4 Hours (%)'],
  ];
  for (let i = 0; i < 40; i++)
    provider.push([
      `R${String.fromCharCode(65 + (i % 26))}${i}`,
      `Demo Hospitals Trust ${i + 1}`,
      8_000 + ((i * 389) % 9_000),
      i % 6 === 0 ? '*' : 100 + ((i * 53) % 900),
      60 + ((i * 7) % 35) + (i % 4) / 10,
    ]);
  provider.push([], ['Source: Demo A&E data collection']);
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(provider), 'Provider');
  const icb: (string | number)[][] = [['ICB Code', 'ICB Name', 'Attendances', 'Admissions']];
  for (let i = 0; i < 12; i++)
    icb.push([`Q${70 + i}`, `Demo ICB ${i + 1}`, 40_000 + i * 1_234, 9_000 + i * 321]);
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(icb), 'ICB');
  return wb;
}

/** Write the demo publication into `dir` (unless already there) and say what to load from it. */
export function writeDemoPublication(dir: string): DemoFile[] {
  fs.mkdirSync(dir, { recursive: true });
  const put = (name: string, write: (file: string) => void) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) write(file);
    return file;
  };
  const nov = put('gp_registered_patients_2025_11.csv', (f) => fs.writeFileSync(f, gpCsv(11)));
  const dec = put('gp_registered_patients_2025_12.csv', (f) => fs.writeFileSync(f, gpCsv(12)));
  const ae = put('ae_attendances_2025_11.xlsx', (f) =>
    fs.writeFileSync(
      f,
      XLSX.write(aeWorkbook(), { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer,
    ),
  );
  const gp = 'Patients Registered at a GP Practice (demo)';
  const aePub = 'A&E Attendances and Emergency Admissions (demo)';
  return [
    { file: nov, source: 'demo_gp_patients', publication: gp, mode: 'replace' },
    { file: dec, source: 'demo_gp_patients', publication: gp, mode: 'replace' },
    { file: ae, source: 'demo_ae_provider', sheet: 'Provider', publication: aePub, mode: 'replace' },
    { file: ae, source: 'demo_ae_icb', sheet: 'ICB', publication: aePub, mode: 'replace' },
  ];
}

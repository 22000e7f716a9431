/** Phase 4 of findTables: a block's header rows, data rows and columns. */
import { bodyValueColumns, findSkipRows, fitsBody, isFooter, isHeaderRow } from './body.js';
import { MAX_HEADER_ROWS, type Block, type Draft } from './draft.js';
import { hasSpanningMerge, isYearHeader, looksLikeHeader, verticalHeaderEnd } from './header-rows.js';
import { flattenHeaders } from './headers.js';
import { isPeriodHeaderRow } from '../header-rule.js';
import type { SheetView } from './sheet-view.js';

/** Phase 4: header rows, data rows and columns of one block. */
export function shapeBlock(view: SheetView, block: Block, alone: boolean): Draft | null {
  const cols = block.columns;
  let rows = block.rows.filter((r) => cols.some((c) => view.occupied(r, c)) || view.underVerticalMerge(r));
  if (!rows.length) return null;
  // a block split off a wider run keeps its own title row (`Table B: Staff` above its header)
  let title = block.title;
  const filledIn = (r: number) => cols.filter((c) => view.occupied(r, c));
  while (
    cols.length >= 3 &&
    rows.length > 2 &&
    filledIn(rows[0]!).length === 1 &&
    filledIn(rows[1]!).length >= 2
  ) {
    const [c] = filledIn(rows[0]!);
    const m = view.mergeAt(rows[0]!, c!);
    if (m && m.r1 === m.r2 && cols.filter((x) => x >= m.c1 && x <= m.c2).length >= 2) break;
    title = view.text(rows[0]!, c!);
    rows = rows.slice(1);
  }
  const valueCols = bodyValueColumns(view, rows, cols);

  let k: number;
  let confidence = 0.9;
  const warnings: string[] = [];
  if (valueCols.size) {
    k = rows.findIndex((r) => fitsBody(view, r, cols, valueCols));
    if (k < 0) k = rows.length;
    // `Area | 2019 | 2020 | 2021` over counts: years as column headers fit the body's type
    // (`Org | 2024` over codes and counts: one year, read with its label column, header-rule.ts)
    const years = () =>
      isYearHeader(view, rows, cols, valueCols) || isPeriodHeaderRow((r, c) => view.text(r, c), rows, cols);
    if (k === 0 && rows.length > 1 && years()) k = 1;
    // a row of years over a header row (`Area,2023,,2024`) fits the body by itself: the header
    // row right below it says it is a parent header
    for (let j = k + 1; j < Math.min(rows.length, k + MAX_HEADER_ROWS); j++) {
      if (isHeaderRow(view, rows[j]!, valueCols)) k = j + 1;
    }
    while (k < rows.length && !fitsBody(view, rows[k]!, cols, valueCols)) k++;
  } else {
    // a lone text row is a header-only file; beside other blocks it is one more data row
    k = (rows.length > 1 || alone) && looksLikeHeader(view, rows, cols) ? 1 : 0;
    // cells merged down over the next rows make those rows header too (`A1:A2` over a blank row)
    const down = verticalHeaderEnd(view, rows[0]!, cols);
    if (down > rows[0]! && rows.length > 1) {
      k = Math.max(
        1,
        rows.findIndex((r) => r > down),
      );
      if (k <= 0) k = rows.length;
    }
    if (k === 1) {
      // a merged parent over an all-text table: the row under it is a header too
      while (k < Math.min(rows.length - 1, MAX_HEADER_ROWS) && hasSpanningMerge(view, rows[k - 1]!, cols))
        k++;
    }
    confidence = 0.7;
  }
  // a one-cell label row under the header (`North` above its trusts) starts the data
  for (let j = 1; j < k && cols.length >= 3; j++) {
    const filled = filledIn(rows[j]!);
    if (filled.length === 1 && filled[0] === cols[0] && !valueCols.has(cols[0]!)) {
      k = j;
      break;
    }
  }
  // the header is the row right above the data plus the parent rows above it; key/value and
  // near-empty rows further up are preamble (`Published: | 12 Oct`)
  let h0 = Math.max(0, k - 1);
  while (
    h0 > 0 &&
    h0 > k - MAX_HEADER_ROWS &&
    isContiguous(rows, h0 - 1, k) &&
    !isPreambleRow(view, rows[h0 - 1]!, cols)
  )
    h0--;
  if (k === rows.length && rows.length > 1) {
    // nothing fits the body: treat as one header row over text data
    k = 1;
    h0 = 0;
    confidence = 0.5;
    warnings.push('no row looks like data; the first row is taken as the header');
  }

  const dataStart = k < rows.length ? rows[k]! : rows[rows.length - 1]! + 1;
  let last = rows.length - 1;
  // columns the fitting data rows use: a footer form below a table spills into others
  const dataCols = new Set<number>();
  if (valueCols.size) {
    for (const r of rows.slice(k))
      if (fitsBody(view, r, cols, valueCols)) for (const c of cols) if (view.occupied(r, c)) dataCols.add(c);
  }
  while (last > k && isFooter(view, rows[last]!, cols, valueCols, dataCols)) last--;
  const dataEnd = k < rows.length ? rows[last]! : dataStart - 1;
  const headerRows: [number, number] | null = k > 0 ? [rows[h0]!, rows[k - 1]!] : null;

  const columns = cols.filter(
    (c) =>
      rows.some((r) => r >= dataStart && r <= dataEnd && view.occupied(r, c)) ||
      (headerRows !== null && rowsBetween(headerRows).some((r) => view.occupied(r, c))),
  );
  const headers = headerRows ? flattenHeaders(view, headerRows, columns) : columns.map(() => '');
  if (headerRows && headerRows[1] > headerRows[0]) {
    warnings.push(`header over rows ${headerRows[0] + 1}-${headerRows[1] + 1} flattened`);
  }
  const skipRows = findSkipRows(view, [dataStart, dataEnd], columns, headerRows);
  return {
    headerRows,
    dataRows: [dataStart, dataEnd],
    columns,
    headers,
    skipRows,
    valueCols,
    weakHeader: headerRows !== null && valueCols.size === 0,
    title,
    confidence,
    warnings,
  };
}

function rowsBetween([a, b]: readonly [number, number]): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function isContiguous(rows: readonly number[], from: number, to: number): boolean {
  return rows[to - 1]! - rows[from]! === to - 1 - from;
}

/**
 * A row above the header that is not part of it: a key and its value (`Published: | 12 Oct`),
 * or two cells at most over a wider table with no merged parent among them.
 */
function isPreambleRow(view: SheetView, row: number, cols: readonly number[]): boolean {
  const filled = cols.filter((c) => view.occupied(row, c));
  if (!filled.length) return true;
  if (/:\s*$/.test(view.text(row, filled[0]!))) return true;
  const merged = filled.some((c) => {
    const m = view.mergeAt(row, c);
    return !!m && m.r1 === row && m.c2 > m.c1;
  });
  // a parent row leaves the label column blank (`,Nov-25,,Dec-25`); a key/value line starts in it
  const parent = !view.occupied(row, cols[0]!);
  return !merged && !parent && filled.length <= 2 && cols.length >= 4;
}

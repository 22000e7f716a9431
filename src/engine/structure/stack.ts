/** Phase 5 of findTables: stacked blocks, continued or separate, and the headers they share. */
import type { Draft } from './draft.js';
import type { SheetView } from './sheet-view.js';

/** Phase 5: the table directly above that this headerless block continues, if any. */
export function continues(view: SheetView, drafts: readonly Draft[], next: Draft): Draft | undefined {
  const prev = drafts[drafts.length - 1];
  if (!prev) return undefined;
  // under a headerless text list, a block's "header" by the text test alone is one more data row
  if (next.headerRows && !(next.weakHeader && !prev.headerRows && !prev.valueCols.size)) return undefined;
  const prevCols = new Set(prev.columns);
  const shared = next.columns.filter((c) => prevCols.has(c)).length;
  if (shared < Math.max(1, next.columns.length * 0.8) || shared < prev.columns.length * 0.5) return undefined;
  // the body types agree: no value column of one holds text in the other
  for (const c of next.columns) {
    if (prev.valueCols.has(c) !== next.valueCols.has(c) && prevCols.has(c)) {
      const r = next.dataRows[0];
      if (view.cls(r, c) === 'text' || prev.valueCols.has(c)) return undefined;
    }
  }
  return prev;
}

export function extend(prev: Draft, next: Draft): void {
  const start = next.headerRows?.[0] ?? next.dataRows[0];
  for (let r = prev.dataRows[1] + 1; r < start; r++) prev.skipRows.push(r);
  prev.skipRows.push(...next.skipRows);
  prev.dataRows = [prev.dataRows[0], next.dataRows[1]];
  for (const c of next.columns) {
    if (!prev.columns.includes(c)) {
      prev.columns.push(c);
      prev.headers.push('');
    }
  }
  const order = prev.columns.map((c, i) => [c, prev.headers[i]!] as const).sort((a, b) => a[0] - b[0]);
  prev.columns = order.map(([c]) => c);
  prev.headers = order.map(([, h]) => h);
}

/**
 * A stacked block's own header names only its label columns (`Region | ICB Code | ICB Name`);
 * the measure columns keep the names given at the top of the sheet.
 */
export function inheritHeaders(drafts: readonly Draft[], draft: Draft): void {
  if (!draft.headerRows || !drafts.length) return;
  // only a header that names its leading label columns and leaves every column after them blank
  // borrows; a block with its own header keeps an odd blank blank
  const lastNamed = draft.headers.findLastIndex(Boolean);
  const firstBlank = draft.headers.findIndex((h) => !h);
  if (firstBlank < 0 || lastNamed > firstBlank) return;
  let inherited = 0;
  draft.columns.forEach((c, i) => {
    // measures only: a blank over a column of numbers takes the name of the numbers above it
    if (draft.headers[i] || !draft.valueCols.has(c)) return;
    for (const d of drafts) {
      const j = d.columns.indexOf(c);
      if (j >= 0 && d.headers[j] && d.headerRows && d.headerRows[0] < draft.headerRows![0]) {
        draft.headers[i] = d.headers[j]!;
        inherited++;
        return;
      }
    }
  });
  if (inherited) {
    draft.warnings.push(
      `${inherited} column headers taken from the table above (rows share the sheet's header)`,
    );
  }
}

/**
 * A label column left without a header (NHS sitreps merge a notes cell over the regional block's
 * label header) takes the header of a label column in another table of the sheet that holds
 * mostly the same labels: the ICB block below heads the same regions `Region`. Less than half
 * the labels in common, and the column keeps its blank (and a positional name).
 */
export function nameBlankLabels(view: SheetView, drafts: readonly Draft[]): void {
  for (const draft of drafts) {
    if (!draft.headerRows) continue;
    draft.columns.forEach((c, i) => {
      if (draft.headers[i] || draft.valueCols.has(c)) return;
      const labels = labelsOf(view, draft, c);
      if (labels.size < 2) return;
      let best: { header: string; share: number } | null = null;
      for (const other of drafts) {
        if (other === draft || !other.headerRows) continue;
        for (const [j, oc] of other.columns.entries()) {
          const header = other.headers[j];
          if (!header || other.valueCols.has(oc)) continue;
          const theirs = labelsOf(view, other, oc);
          let shared = 0;
          for (const label of labels) if (theirs.has(label)) shared++;
          const share = shared / labels.size;
          if (share >= 0.5 && share > (best?.share ?? 0)) best = { header, share };
        }
      }
      if (!best) return;
      draft.headers[i] = best.header;
      draft.warnings.push(
        `column ${i + 1} has no header: named ${JSON.stringify(best.header)} after a column of another table on the sheet with the same labels`,
      );
    });
  }
}

/** The distinct texts of a column's data rows. */
function labelsOf(view: SheetView, draft: Draft, col: number): Set<string> {
  const skip = new Set(draft.skipRows);
  const out = new Set<string>();
  for (let r = draft.dataRows[0]; r <= draft.dataRows[1]; r++) {
    if (skip.has(r)) continue;
    const text = view.text(r, col);
    if (text) out.add(text);
  }
  return out;
}

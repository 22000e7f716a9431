import { columnNames, readTable, refineTable } from '../../engine/index.js';
import type { FileSpec, TableSpec } from '../../engine/table-spec.js';
import { DatawarpError } from '../../errors.js';

/**
 * A reviewer's `--header-row N`: the header is on physical row (line) N and the data follows it.
 * Built from the engine's public calls on a headerless detection of the file: read row N as
 * display text for the names (named by the engine's one naming rule), then type every data row
 * with `refineTable`, so the result replays like any detected spec.
 */
export async function applyHeaderRow(
  file: string,
  headerless: FileSpec,
  table: TableSpec,
  headerRow: number,
): Promise<{ spec: FileSpec; table: TableSpec }> {
  const last = table.dataRows[1];
  if (headerRow >= last) {
    throw new DatawarpError('NO_TABLE', `no data rows after header row ${headerRow}`, {
      file,
      hint: `the table's rows end at row ${last}; choose an earlier --header-row`,
    });
  }
  const probe: TableSpec = { ...table, headerRows: null, dataRows: [headerRow, headerRow] };
  let texts: readonly (string | null)[] | null = null;
  for await (const row of readTable(file, { ...headerless, tables: [probe] }, probe.id, {
    values: 'display',
  })) {
    texts = row;
    break;
  }
  if (!texts) {
    throw new DatawarpError('NO_TABLE', `row ${headerRow} is blank or outside the table`, {
      file,
      hint: 'pick the row that holds the column names (1 = the first line of the file)',
    });
  }
  const headers = table.columns.map((_, j) => (texts[j] ?? '').trim());
  const names = columnNames(headers);
  const draft: TableSpec = {
    ...table,
    headerRows: [headerRow, headerRow],
    dataRows: [headerRow + 1, last],
    columns: table.columns.map((c, j) => ({ ...c, name: names[j]!, header: headers[j] || c.header })),
  };
  const spec: FileSpec = { ...headerless, tables: [draft] };
  const refined = await refineTable(file, spec, draft.id);
  return { spec: { ...headerless, tables: [refined] }, table: refined };
}

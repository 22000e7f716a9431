import { Command } from 'commander';
import { lazyAction } from '../lazy-action.js';

export function detectCommand(): Command {
  return new Command('detect')
    .description(
      'show what datawarp finds in a file: encoding, dialect, tables, header and data rows, column types',
    )
    .argument('<file>', 'a CSV/TSV/text, xlsx, xls, ods or zip file')
    .option('--sheet <name>', 'only this sheet (name, or 1-based position)')
    .option('--headerless', 'the data has no header row: columns are named column_1..n')
    .option('--columns <names>', 'comma-separated column names for headerless data')
    .option('--json', 'print the file spec as JSON (replayable: it is what load and extract use)')
    .addHelpText(
      'after',
      `
Row numbers are 1-based physical line numbers in a text file, row numbers in a sheet.

Examples:
  $ datawarp detect gp-reg-pat-prac-all.csv
  $ datawarp detect september2023.xlsx --sheet "Table 2" --json`,
    )
    .action(lazyAction(async () => (await import('../actions/detect.js')).runDetect));
}

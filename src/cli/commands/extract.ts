import { Command } from 'commander';
import { lazyAction } from '../lazy-action.js';

export function extractCommand(): Command {
  return new Command('extract')
    .description('write one table of a file as clean UTF-8 CSV (flattened header, then the data rows)')
    .argument('<file>', 'a CSV/TSV/text, xlsx, xls, ods or zip file')
    .option('--table <id>', 'which table (ids from `datawarp detect`; default: the first data table)')
    .option('--sheet <name>', 'only look at this sheet (name, or 1-based position)')
    .requiredOption('-o, --output <file>', 'where to write the CSV; - for standard output')
    .option('--typed', 'normalised values (ISO dates, plain numbers, empty for null) and column names')
    .option('--headerless', 'the data has no header row')
    .addHelpText(
      'after',
      `
Examples:
  $ datawarp extract report.xlsx --sheet "Table 2" --table t2 -o table2.csv
  $ datawarp extract prices.csv --typed -o - | head`,
    )
    .action(lazyAction(async () => (await import('../actions/extract.js')).runExtract));
}

/** Loading files into PostgreSQL (DESIGN.md section 2: plan, load, validate, record). */
export { loadFile, chooseTable, isUrl, type LoadFileOptions } from './load-file.js';
export { loadTable } from './load-table.js';
export { parsePeriod } from './period.js';
export { abortOnSignals, cancelledError } from './cancellation.js';
export { approveChange, rejectChange, listChanges, type Decision } from './schema-review.js';
export { planTable, type TablePlan, type Widening } from './plan.js';
export type * from './types.js';

export { findTables } from './find-tables.js';
export { classifyText, type CellClass } from './cell-class.js';
export { isNotesSheetName } from './notes.js';

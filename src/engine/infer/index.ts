/** Value parsing and per-column type inference (DESIGN.md: infer). */
export { ColumnStats, decideColumn, parseBoolean, type ColumnGuess } from './column.js';
export { columnConverter, convertCell, textConverter, Misfit, type Converter } from './convert.js';
export { parseDate, dateShape, MONTHS, isoDate, daysInMonth, type DateOrder } from './date.js';
export { excelSerialToIso, isExcelDateFormat, excelFormatHasDay } from './excel.js';
export { isNullToken, isSuppressionMarker, SUPPRESSION_MARKERS, NULL_TOKENS } from './markers.js';
export { parseNumber, integerWidth, isPlainInteger, type NumberShape } from './number.js';
export { inferColumns, observeCell } from './columns.js';

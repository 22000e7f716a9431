/**
 * Validation gates, run inside the load's transaction after COPY: row count sanity, schema
 * drift, data quality and metadata completeness. Every result is stored; a `fail` rolls the load
 * back when validation is enforced (`--validate` or the source's validation_required).
 */
export { checkRowCount } from './row-count.js';
export { checkSchemaDrift, type DriftInput } from './schema-drift.js';
export { checkQuality, type QualityInput } from './quality.js';
export { checkMetadata } from './metadata.js';
export { worst, passRate, type GateResult, type GateStatus } from './types.js';

export * from './connection.js';
export * from './embedded.js';
export * from './identifiers.js';
export * from './migrate.js';
export * from './warehouse.js';

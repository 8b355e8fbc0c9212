export type { DemoDataOptions } from './demo-data-sql.js';
export { DEMO_DEFAULT_CUSTOMERS, DEMO_DEFAULT_SEED, demoDataSql } from './demo-data-sql.js';
export { DEMO_TABLES, demoSchemaSql } from './demo-schema-sql.js';
export { sqlLiteral } from './sql-literal.js';

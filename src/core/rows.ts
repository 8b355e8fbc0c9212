/**
 * Rows travel as arrays of values in the store's canonical text form (PostgreSQL text output format:
 * `2024-01-31`, `{a,b}`, `{"k": 1}`), `null` for SQL NULL. Values exist only in the data path.
 */
export type Row = (string | null)[];

/** A bounded batch of rows: the unit of backpressure between source, transforms and sink. */
export type RowBatch = Row[];

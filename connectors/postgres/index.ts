export { createPgSink } from './pg-sink.js';
export { createPgSource, type PgSourceOptions } from './pg-source.js';
export { createPgliteSink } from './pglite-sink.js';
export { createPgliteSource } from './pglite-source.js';

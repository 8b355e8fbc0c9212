export { createPgSink } from './pg-sink.js';
export { createPgSource, type PgSourceOptions } from './pg-source.js';

import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import { GatewayError, type SinkConnector, type SourceConnector } from './core/index.js';
import type { Settings } from './config/index.js';

/** Composition root: the only place that knows which connector serves which URL. */

const POSTGRES_URL = /^postgres(ql)?:\/\//;

export function createSource(url: string, settings: Settings): SourceConnector {
  if (POSTGRES_URL.test(url)) return createPgSource(url, { pgDumpPath: settings.pgDumpPath });
  throw new GatewayError('usage', '--source must be a postgres:// or postgresql:// URL');
}

export function createTarget(url: string): SinkConnector {
  if (POSTGRES_URL.test(url)) return createPgSink(url);
  throw new GatewayError('usage', '--target must be a postgres:// or postgresql:// URL');
}

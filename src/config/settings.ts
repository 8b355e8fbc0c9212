import { GatewayError, Secret } from '../core/index.js';

/** Environment settings, read once here and passed on typed. Documented in the README. */
export interface Settings {
  /** LOOKALIKE_SECRET: the substitution key (the file option wins). */
  readonly secret: string | undefined;
  /** LOOKALIKE_PG_DUMP: path of the pg_dump to use (default: newest found, ≥ server major). */
  readonly pgDumpPath: string | undefined;
  /** LOOKALIKE_BATCH_ROWS: rows per batch between source, transforms and target. */
  readonly batchRows: number;
  /**
   * The optional language-model assist for columns the scan cannot decide: off unless
   * LOOKALIKE_LLM_BASE_URL is set (any OpenAI-compatible endpoint). It is sent names and value shapes only.
   */
  readonly llm: LlmSettings | null;
  /** LOOKALIKE_SIGNING_KEY_FILE: Ed25519 private key (PKCS#8 PEM) that signs snapshot manifests. */
  readonly signingKeyFile: string | undefined;
  /** LOOKALIKE_LOG_FORMAT: `text` (default) or `json` (one object per line) for serve and worker logs. */
  readonly logFormat: 'text' | 'json';
}

export interface LlmSettings {
  /** LOOKALIKE_LLM_BASE_URL, e.g. `https://api.openai.com/v1` or a local server's `/v1`. */
  readonly baseUrl: string;
  /** LOOKALIKE_LLM_MODEL (default `gpt-4o-mini`). */
  readonly model: string;
  /** LOOKALIKE_LLM_API_KEY (may be empty for local servers). */
  readonly apiKey: Secret;
  /** LOOKALIKE_LLM_TIMEOUT_MS per request (default 20000). */
  readonly timeoutMs: number;
}

export const DEFAULT_BATCH_ROWS = 2000;

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const batchText = env.LOOKALIKE_BATCH_ROWS;
  const batchRows = batchText === undefined || batchText === '' ? DEFAULT_BATCH_ROWS : Number(batchText);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 1_000_000) {
    throw new GatewayError('config_invalid', 'LOOKALIKE_BATCH_ROWS must be an integer between 1 and 1000000');
  }
  const logFormat =
    env.LOOKALIKE_LOG_FORMAT === undefined || env.LOOKALIKE_LOG_FORMAT === ''
      ? 'text'
      : env.LOOKALIKE_LOG_FORMAT;
  if (logFormat !== 'text' && logFormat !== 'json')
    throw new GatewayError('config_invalid', 'LOOKALIKE_LOG_FORMAT must be text or json');
  return Object.freeze({
    secret: env.LOOKALIKE_SECRET,
    pgDumpPath: env.LOOKALIKE_PG_DUMP === '' ? undefined : env.LOOKALIKE_PG_DUMP,
    batchRows,
    llm: readLlmSettings(env),
    signingKeyFile: env.LOOKALIKE_SIGNING_KEY_FILE === '' ? undefined : env.LOOKALIKE_SIGNING_KEY_FILE,
    logFormat,
  });
}

function readLlmSettings(env: NodeJS.ProcessEnv): LlmSettings | null {
  const baseUrl = env.LOOKALIKE_LLM_BASE_URL;
  if (baseUrl === undefined || baseUrl === '') return null;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new GatewayError('config_invalid', 'LOOKALIKE_LLM_BASE_URL is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new GatewayError('config_invalid', 'LOOKALIKE_LLM_BASE_URL must be an http(s) URL');
  const timeoutText = env.LOOKALIKE_LLM_TIMEOUT_MS;
  const timeoutMs = timeoutText === undefined || timeoutText === '' ? 20_000 : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000)
    throw new GatewayError(
      'config_invalid',
      'LOOKALIKE_LLM_TIMEOUT_MS must be an integer between 100 and 600000',
    );
  return Object.freeze({
    baseUrl,
    model:
      env.LOOKALIKE_LLM_MODEL === undefined || env.LOOKALIKE_LLM_MODEL === ''
        ? 'gpt-4o-mini'
        : env.LOOKALIKE_LLM_MODEL,
    apiKey: new Secret(Buffer.from(env.LOOKALIKE_LLM_API_KEY ?? '', 'utf8')),
    timeoutMs,
  });
}

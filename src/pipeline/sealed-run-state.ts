import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { GatewayError, type RunArea, type Secret, type SinkSession } from '../core/index.js';

/**
 * A run's state for its units of work, kept in the target's run area: a structured clone (shared buffers
 * copied out), sealed with AES-256-GCM under a key derived from the run's secret and a random nonce. The
 * states hold what lets a reader test guessed values (Bloom filters of real values, fingerprint indexes with
 * their keys, real tuples), so only a holder of the secret opens them. The nonce leads the bytes and names
 * the run's state (see `sealedStateId`).
 */

const NONCE_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * `version`: the lookalike build of the process that plans the run (see cli/build-id.ts). Units of one run
 * must draw the same fakes, so a process of another build refuses the state (`config_invalid`) rather than
 * load rows that disagree with the others'.
 */
export function sealRunState(value: unknown, secret: Secret, version: string | undefined): Uint8Array {
  const envelope: Envelope = { version, value };
  const plain = serialize(mapBuffers(envelope, (shared) => ({ [SHARED]: new Uint8Array(shared) })));
  const nonce = randomBytes(NONCE_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', stateKey(secret, nonce), iv);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, iv, cipher.getAuthTag(), sealed]);
}

interface Envelope {
  readonly version: string | undefined;
  readonly value: unknown;
}

/**
 * The plain data `sealRunState` sealed, shared buffers restored; `secret_invalid` under another key,
 * `config_invalid` when both this process and the planner name their version and the two differ.
 */
export function openRunState(bytes: Uint8Array, secret: Secret, version: string | undefined): unknown {
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const iv = bytes.subarray(NONCE_BYTES, NONCE_BYTES + IV_BYTES);
  const tag = bytes.subarray(NONCE_BYTES + IV_BYTES, NONCE_BYTES + IV_BYTES + TAG_BYTES);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', stateKey(secret, nonce), iv);
    decipher.setAuthTag(tag);
    plain = Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new GatewayError(
      'secret_invalid',
      "the run's state does not open with this process's key: every gateway and worker must share the key",
    );
  }
  const envelope = mapBuffers(deserialize(plain) as unknown, undefined) as Envelope;
  if (typeof envelope !== 'object' || envelope === null || !Object.hasOwn(envelope, 'value'))
    throw new GatewayError(
      'config_invalid',
      'the run was planned by an earlier lookalike version: every gateway and worker sharing a state database must run the same version',
    );
  if (version !== undefined && envelope.version !== undefined && envelope.version !== version)
    throw new GatewayError(
      'config_invalid',
      `the run was planned by lookalike ${envelope.version}, this process runs ${version}: every gateway and worker sharing a state database must run the same version`,
    );
  return envelope.value;
}

/** The nonce a sealed state starts with: unique per run, so a cache keyed by it never serves another run. */
export function sealedStateId(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, NONCE_BYTES)).toString('hex');
}

function stateKey(secret: Secret, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret.reveal(), nonce, 'lookalike load-unit state', 32));
}

const SHARED = '__sharedArrayBuffer';

/**
 * Walks plain data (objects, arrays, Maps, Sets): with `out`, replaces each SharedArrayBuffer (which a
 * structured clone to bytes refuses) by what `out` makes of it; without, turns those back into
 * SharedArrayBuffers.
 */
function mapBuffers(value: unknown, out: ((shared: SharedArrayBuffer) => unknown) | undefined): unknown {
  if (value instanceof SharedArrayBuffer) return out === undefined ? value : out(value);
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (value instanceof Set) return value; // sets of strings hold no buffers
  if (Array.isArray(value)) return value.map((item) => mapBuffers(item, out));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, mapBuffers(v, out)] as const));
  const record = value as Record<string, unknown>;
  const copied = record[SHARED];
  if (out === undefined && copied instanceof Uint8Array) {
    const shared = new SharedArrayBuffer(copied.byteLength);
    new Uint8Array(shared).set(copied);
    return shared;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, mapBuffers(v, out)]));
}

/** Stores a sealed state under `name` in the run area, with its id beside it (read first, to use the cache). */
export async function putRunState(area: RunArea, name: string, sealed: Uint8Array): Promise<void> {
  await area.putBlob(name, sealed);
  await area.putBlob(`${name}-id`, Buffer.from(sealedStateId(sealed), 'utf8'));
}

/**
 * The last run's state opened in this process (units of one run mostly follow one another), by the run's
 * state id; released when no unit has used it for a while.
 */
let cachedState: { readonly id: string; readonly state: unknown; timer: NodeJS.Timeout } | undefined;
const CACHED_STATE_IDLE_MS = 30_000;

/** The run's state stored under `name`, opened and decoded once per run and process. */
export async function getRunState<T>(
  area: RunArea,
  name: string,
  secret: Secret,
  version: string | undefined,
  decode: (plain: unknown) => Promise<T>,
): Promise<T> {
  const id = `${name}:${Buffer.from(await area.getBlob(`${name}-id`)).toString('utf8')}`;
  if (cachedState?.id !== id) {
    if (cachedState !== undefined) clearTimeout(cachedState.timer);
    cachedState = undefined;
    const state = await decode(openRunState(await area.getBlob(name), secret, version));
    cachedState = { id, state, timer: setTimeout(() => undefined, 0) };
  }
  const cached = cachedState;
  clearTimeout(cached.timer);
  cached.timer = setTimeout(() => {
    if (cachedState === cached) cachedState = undefined;
  }, CACHED_STATE_IDLE_MS);
  cached.timer.unref();
  return cached.state as T;
}

/**
 * After a split run failed: drops its sealed state in a transaction of its own. The schema, the units' rows
 * and the run area (which marks the target as incomplete) stay for the caller to drop.
 */
export async function dropRunState(sink: SinkSession, area: RunArea): Promise<void> {
  await sink.rollback();
  await sink.begin();
  await area.dropBlobs();
  await sink.commit();
}

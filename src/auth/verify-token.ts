import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ROLES, type GatewayAuthConfig, type Role } from '../config/index.js';
import { GatewayError } from '../core/index.js';

/** Who is calling, from a verified token: subject, roles and groups. Never the token itself. */
export interface Principal {
  readonly subject: string;
  readonly issuer: string;
  readonly roles: ReadonlySet<Role>;
  readonly groups: readonly string[];
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/**
 * Builds the verifier once at start-up: keys from a JWKS URL (jose caches and rate-limits refetches), a
 * local JWKS file or PEM public keys. Algorithms are pinned to the configured asymmetric ones; `exp`,
 * `iss`, `aud` and `sub` are required. Key-bearing headers (`jku`, `x5u`, `jwk`) are never followed.
 */
export async function createTokenVerifier(config: GatewayAuthConfig): Promise<TokenVerifier> {
  const keys = await keySet(config);
  const algorithms = [...config.algorithms];
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms,
        requiredClaims: ['exp', 'iss', 'aud', 'sub'],
        clockTolerance: config.clock_tolerance_seconds,
      }));
    } catch (error) {
      // jose's codes are fixed strings; its messages and the token are never carried on.
      throw new GatewayError('unauthorized', `invalid token (${reasonOf(error)})`);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '')
      throw new GatewayError('unauthorized', 'invalid token (subject missing)');
    return Object.freeze({
      subject: payload.sub,
      issuer: config.issuer,
      roles: new Set(stringsAt(payload, config.roles_claim).filter(isRole)),
      groups: Object.freeze(stringsAt(payload, config.groups_claim)),
    });
  };
}

async function keySet(config: GatewayAuthConfig): Promise<JWTVerifyGetKey> {
  if (config.jwks_url !== undefined) return createRemoteJWKSet(new URL(config.jwks_url));
  if (config.jwks_file !== undefined) {
    const set = JSON.parse(await readKeyFile(config.jwks_file)) as JSONWebKeySet;
    if (!Array.isArray(set.keys))
      throw new GatewayError('config_invalid', `${config.jwks_file} is not a JSON Web Key Set`, {
        file: config.jwks_file,
      });
    return createLocalJWKSet(set);
  }
  const jwks: JSONWebKeySet = { keys: [] };
  for (const file of config.public_key_files ?? []) {
    let jwk;
    try {
      jwk = await exportJWK(createPublicKey(await readKeyFile(file)));
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw new GatewayError('config_invalid', `${file} holds no PEM public key`, { file });
    }
    jwks.keys.push(jwk);
  }
  return createLocalJWKSet(jwks);
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new GatewayError('config_invalid', `cannot read key file ${file}`, { file });
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'claim_invalid',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm_not_allowed',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature_invalid',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown_key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ambiguous_key',
  ERR_JWKS_TIMEOUT: 'key_set_unavailable',
  ERR_JOSE_NOT_SUPPORTED: 'not_supported',
};

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const claim = (error as { claim?: unknown }).claim;
  const reason = typeof code === 'string' ? (REASONS[code] ?? 'rejected') : 'rejected';
  return reason === 'claim_invalid' && typeof claim === 'string' && /^[a-z]{2,5}$/.test(claim)
    ? `claim_invalid: ${claim}`
    : reason;
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Strings at a dotted claim path (`realm_access.roles`); a single string counts as one. */
function stringsAt(payload: JWTPayload, path: string): string[] {
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return [];
    current = (current as Record<string, unknown>)[segment];
  }
  if (typeof current === 'string') return [current];
  return Array.isArray(current) ? current.filter((v): v is string => typeof v === 'string') : [];
}

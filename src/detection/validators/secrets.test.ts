import { describe, expect, it } from 'vitest';
import {
  isApiKey,
  isHighEntropySecret,
  isJwt,
  isKnownApiKey,
  isPasswordHash,
  shannonEntropy,
} from './secrets.js';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const randomish = (
  n: number,
  alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
): string => Array.from({ length: n }, (_, i) => alphabet[(i * 7919 + 13) % alphabet.length] ?? 'x').join('');

describe('secrets', () => {
  it('known vendor key formats pass; placeholders with the right prefix fail', () => {
    expect(isKnownApiKey(`AKIA${randomish(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`)).toBe(true);
    expect(isKnownApiKey(`ghp_${randomish(36)}`)).toBe(true);
    expect(isKnownApiKey(`xoxb-${randomish(24)}`)).toBe(true);
    expect(isKnownApiKey(`sk_live_${randomish(24)}`)).toBe(true);
    expect(isKnownApiKey(`AIza${randomish(35)}`)).toBe(true);
    expect(isKnownApiKey(`glpat-${randomish(20)}`)).toBe(true);
    expect(isKnownApiKey(`SG.${randomish(22)}.${randomish(43)}`)).toBe(true);
    expect(isKnownApiKey(`npm_${randomish(36)}`)).toBe(true);
    expect(isKnownApiKey(`ghp_${'x'.repeat(36)}`)).toBe(false);
    expect(isKnownApiKey('AKIA1234')).toBe(false);
  });

  it('generic secrets need length, mixed classes and entropy', () => {
    expect(isHighEntropySecret(randomish(32))).toBe(true);
    expect(isHighEntropySecret('changeme-changeme')).toBe(false);
    expect(isHighEntropySecret('aaaaaaaaaaaaaaaaaaaa')).toBe(false);
    expect(isHighEntropySecret('short1A')).toBe(false);
    expect(isApiKey(randomish(40))).toBe(true);
    expect(shannonEntropy('aaaa')).toBe(0);
  });

  it('JWT: header JSON with alg, payload an object', () => {
    const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'x' })}.${randomish(43)}`;
    expect(isJwt(jwt)).toBe(true);
    expect(isJwt(`${b64({ typ: 'JWT' })}.${b64({ sub: 'x' })}.sig`)).toBe(false);
    expect(isJwt(`${b64({ alg: 'none' })}.notjson.sig`)).toBe(false);
    expect(isJwt('a.b')).toBe(false);
  });

  it('password hash formats', () => {
    const salt22 = randomish(22, './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
    const hash31 = randomish(31, './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
    expect(isPasswordHash(`$2b$12$${salt22}${hash31}`)).toBe(true);
    expect(isPasswordHash(`$argon2id$v=19$m=65536,t=3,p=4$${randomish(22)}$${randomish(43)}`)).toBe(true);
    expect(isPasswordHash(`$6$${randomish(16)}$${randomish(86)}`)).toBe(true);
    expect(isPasswordHash(`pbkdf2_sha256$600000$${randomish(22)}$${randomish(44)}=`)).toBe(true);
    expect(isPasswordHash('$2b$12$short')).toBe(false);
    expect(isPasswordHash('hunter2')).toBe(false);
  });
});

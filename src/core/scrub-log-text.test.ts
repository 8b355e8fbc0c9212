import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, scrubLogText } from './scrub-log-text.js';

describe('scrubLogText: shapes that are replaced', () => {
  it.each([
    ['reply to ada.lovelace+test@corp.example now', 'reply to [redacted:email] now', 'email'],
    ['call +44 20 7946 0958 today', 'call [redacted:phone] today', 'phone'],
    ['call (555) 123-4567', 'call [redacted:phone]', 'phone'],
    ['call 555-123-4567.', 'call [redacted:phone].', 'phone'],
    ['Tel 030 1234567', 'Tel [redacted:phone]', 'phone'],
    ['card 4111 1111 1111 1111 declined', 'card [redacted:card] declined', 'card'],
    ['card 5500-0000-0000-0004', 'card [redacted:card]', 'card'],
    ['pay to GB82 WEST 1234 5698 7654 32', 'pay to [redacted:iban]', 'iban'],
    ['iban DE89370400440532013000.', 'iban [redacted:iban].', 'iban'],
    [
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl was refused',
      'token [redacted:jwt] was refused',
      'jwt',
    ],
    ['Authorization: Bearer abc123DEF456ghi789', 'Authorization: Bearer [redacted:token]', 'token'],
    [
      'cannot connect to postgres://app:S3cr3t!pw@db.internal:5432/shop',
      'cannot connect to postgres://app:[redacted:password]@db.internal:5432/shop',
      'password',
    ],
    [
      'cannot connect to postgres://app:p@ss/w0rd@db.internal/shop',
      'cannot connect to postgres://app:[redacted:password]@db.internal/shop',
      'password',
    ],
    [
      'dsn host=db user=app password=hunter22 dbname=shop',
      'dsn host=db user=app password=[redacted:password] dbname=shop',
      'password',
    ],
    [
      'key 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 loaded',
      'key [redacted:secret] loaded',
      'secret',
    ],
    ['api key sk_Zx9Qm2Lr8Tb4Vn7Kc1Wd5Hy3Pj6Fg0Sa', 'api key [redacted:secret]', 'secret'],
    ['blob dGhpcyBpcyBhIHNlY3JldCBrZXkgZm9yIHRlc3Rz==', 'blob [redacted:secret]', 'secret'],
  ])('%s', (input, expected, kind) => {
    const result = scrubLogText(input);
    expect(result.text).toBe(expected);
    expect(result.redactions).toEqual({ [kind]: 1 });
  });

  it('counts each replacement and never leaves a password behind an e-mail-shaped user', () => {
    const result = scrubLogText(
      'from ada@corp.example and bob@corp.example via postgres://ada@corp.example:pw1234@db/x',
    );
    expect(result.text).not.toContain('pw1234');
    expect(result.text).toBe(
      'from [redacted:email] and [redacted:email] via postgres://[redacted:email]:[redacted:password]@db/x',
    );
    expect(result.redactions.email).toBe(3);
    expect(result.redactions.password).toBe(1);
  });
});

describe('scrubLogText: what stays', () => {
  it.each([
    'public.customer',
    'film_actor.last_update',
    'CustomerOrders2024ArchivePartition_by_month',
    '3f2b6c1e-8d4a-4b6f-9c2d-7e8f9a0b1c2d',
    '12345678-1234-4234-8234-123456789012',
    '2026-11-27T14:08:37.123Z',
    '2026-11-27',
    'took 1234ms',
    '42 rows in 12.5 s',
    'sql_state=42P01',
    'listening on 127.0.0.1:8080',
    'version 0.1.0',
    'lk_snap_3f2b6c1e8d4a4b6f9c2d7e8f',
    '1764252517123',
    'the token is not valid',
    'bearer token required',
    'snapshot_expired',
    '/var/lib/lookalike/Policies2024/CustomerOrdersArchive.yaml',
    'AB12 is a code',
    '4111 1111 1111 1112',
  ])('%s', (input) => {
    expect(scrubLogText(input)).toEqual({ text: input, redactions: {} });
  });
});

describe('checksums', () => {
  it('Luhn and mod-97 accept valid numbers only', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB83WEST12345698765432')).toBe(false);
  });
});

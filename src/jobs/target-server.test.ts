import { describe, expect, it } from 'vitest';
import { GatewayError, Secret } from '../core/index.js';
import { createTargetServer } from './target-server.js';

const url = (text: string): Secret => new Secret(Buffer.from(text, 'utf8'));

describe('createTargetServer (no connection made)', () => {
  it('names a delivery after the request id, with a role only when scoped roles are on', () => {
    const scoped = createTargetServer({
      url: url('postgres://admin@db.internal:6432/postgres'),
      scopedRole: true,
    });
    expect(scoped.namesFor('0b7e5a0c-1f2d-4c3b-9a8e-7d6c5b4a3f21')).toEqual({
      database: 'lk_snap_0b7e5a0c1f2d4c3b9a8e7d6c5b4a3f21',
      role: 'lk_snap_0b7e5a0c1f2d4c3b9a8e7d6c5b4a3f21',
    });
    const shared = createTargetServer({
      url: url('postgres://admin@db.internal/postgres'),
      scopedRole: false,
    });
    expect(shared.namesFor('abc').role).toBeNull();
    expect(() => shared.namesFor('---')).toThrow(GatewayError);
  });

  it('advertises the connection host and port unless public ones are configured', () => {
    expect(
      createTargetServer({ url: url('postgres://admin:pw@db.internal:6432/postgres'), scopedRole: true })
        .endpoint,
    ).toEqual({ host: 'db.internal', port: 6432 });
    expect(
      createTargetServer({ url: url('postgresql://admin@[::1]/postgres'), scopedRole: true }).endpoint,
    ).toEqual({ host: '::1', port: 5432 });
    expect(
      createTargetServer({
        url: url('postgres://admin@10.0.0.5/postgres'),
        scopedRole: true,
        publicHost: 'dev-db.example',
        publicPort: 15432,
      }).endpoint,
    ).toEqual({ host: 'dev-db.example', port: 15432 });
  });

  it('refuses a connection that is not a URL without quoting it', () => {
    expect(() => createTargetServer({ url: url('not a url: secret-pw'), scopedRole: true })).toThrow(
      expect.objectContaining({ code: 'config_invalid', message: expect.not.stringContaining('secret-pw') }),
    );
  });
});

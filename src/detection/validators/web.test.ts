import { describe, expect, it } from 'vitest';
import { isDomain, isEmail, isUrl } from './web.js';

describe('web validators', () => {
  it('e-mail: local@host with a known TLD', () => {
    for (const ok of [
      'user@example.com',
      'first.last+tag@mail.example.co.uk',
      'JOHN@EXAMPLE.ORG',
      'a@corp.local',
    ]) {
      expect(isEmail(ok)).toBe(true);
    }
    for (const bad of [
      'a@b',
      'user@example.',
      'user@example.notatld',
      '.user@example.com',
      'us..er@example.com',
      'user@-x.com',
      'a@b@c.com',
    ]) {
      expect(isEmail(bad)).toBe(false);
    }
  });

  it('URL: http(s)/ftp or www. with a real-looking host', () => {
    for (const ok of [
      'https://example.org/a?b=1',
      'http://10.0.0.1:8080/x',
      'www.example.com/path',
      'http://[2001:db8::1]/',
    ]) {
      expect(isUrl(ok)).toBe(true);
    }
    for (const bad of ['javascript:alert(1)', 'http://notatld.zzzz', 'https://', 'http://999.1.1.1/'])
      expect(isUrl(bad)).toBe(false);
  });

  it('domain: known TLD, not a file name', () => {
    expect(isDomain('example.com')).toBe(true);
    expect(isDomain('mail.example.co.uk')).toBe(true);
    for (const bad of ['setup.py', 'README.md', 'index.html', 'e.g', 'v1.2', 'example.com.'])
      expect(isDomain(bad)).toBe(false);
  });
});

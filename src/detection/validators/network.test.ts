import { describe, expect, it } from 'vitest';
import { isIpAddress, isIpv4, isIpv6, isMac } from './network.js';

describe('network validators', () => {
  it('IPv4: four octets 0–255, no leading zeros, not 0.0.0.0', () => {
    expect(isIpv4('192.168.0.1')).toBe(true);
    expect(isIpv4('8.8.8.8')).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '0.0.0.0', '1.2.3.4.5', 'a.b.c.d'])
      expect(isIpv4(bad)).toBe(false);
  });

  it('IPv6: full, compressed and IPv4-tailed forms; rejects :: and malformed text', () => {
    for (const ok of [
      '2001:db8::1',
      'fe80::1',
      '::1',
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      '::ffff:192.0.2.1',
    ]) {
      expect(isIpv6(ok)).toBe(true);
    }
    for (const bad of [
      '::',
      '0:0:0:0:0:0:0:0',
      '1::2::3',
      '12:30',
      '10:30:00',
      '1:2:3:4:5:6:7:8:9',
      'gggg::1',
      ':1:2',
    ]) {
      expect(isIpv6(bad)).toBe(false);
    }
    expect(isIpAddress('10.0.0.1')).toBe(true);
    expect(isIpAddress('2001:db8::1')).toBe(true);
  });

  it('MAC: consistent separators, not all-zero or broadcast', () => {
    expect(isMac('00:1A:2B:3C:4D:5E')).toBe(true);
    expect(isMac('00-1a-2b-3c-4d-5e')).toBe(true);
    expect(isMac('001a.2b3c.4d5e')).toBe(true);
    for (const bad of ['00:1A-2B:3C:4D:5E', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff', '00:1A:2B:3C:4D'])
      expect(isMac(bad)).toBe(false);
  });
});

/** Dotted-quad IPv4: four decimal octets 0–255 without leading zeros; `0.0.0.0` is not an address. */
export function isIpv4(candidate: string): boolean {
  const parts = candidate.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0') || Number(p) > 255) return false;
  }
  return candidate !== '0.0.0.0';
}

/**
 * IPv6 in text form (RFC 4291 §2.2): eight hex groups, `::` at most once standing for one or more zero
 * groups, an optional dotted IPv4 tail. The unspecified address `::` (all zeros) is rejected.
 */
export function isIpv6(candidate: string): boolean {
  let s = candidate;
  if (s.length < 2 || s.length > 45) return false;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 tail stands for the last two groups.
    if (!isIpv4(tail)) return false;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const parse = (half: string): number | undefined => {
    if (half === '') return 0;
    const parts = half.split(':');
    return parts.every((p) => /^[0-9a-f]{1,4}$/i.test(p)) ? parts.length : undefined;
  };
  const counts = halves.map(parse);
  if (counts.some((c) => c === undefined)) return false;
  const groups = counts.reduce<number>((a, c) => a + (c ?? 0), 0);
  if (halves.length === 2 ? groups > 7 : groups !== 8) return false;
  // All-zero forms (`::`, `0:0:0:0:0:0:0:0`) are the unspecified address, not a host.
  return /[1-9a-f]/i.test(candidate.replace(/\./g, ''));
}

/** Either IP version. */
export function isIpAddress(candidate: string): boolean {
  return candidate.includes(':') ? isIpv6(candidate) : isIpv4(candidate);
}

/**
 * A MAC-48 address: six hex pairs joined by one consistent `:` or `-`, or Cisco's three dotted quads.
 * All-zero and broadcast (all `f`) addresses are placeholders.
 */
export function isMac(candidate: string): boolean {
  const s = candidate.trim();
  const ok =
    /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i.test(s) ||
    /^[0-9a-f]{4}(?:\.[0-9a-f]{4}){2}$/i.test(s);
  if (!ok) return false;
  const hex = s.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return !/^(?:0+|f+)$/.test(hex);
}

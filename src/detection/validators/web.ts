import { isIpv4, isIpv6 } from './network.js';
import { FILE_EXTENSION_TLDS, isKnownTld } from './top-level-domains.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** A host name of at least two labels, each a valid LDH label, ending in a known TLD; no trailing dot. */
export function isHostName(host: string): boolean {
  if (host.length > 253 || host.endsWith('.')) return false;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((l) => LABEL.test(l))) return false;
  const tld = labels[labels.length - 1] ?? '';
  return !/^\d+$/.test(tld) && isKnownTld(tld);
}

/** A domain name mentioned on its own: a host name, not a file name like `setup.py` or `notes.md`. */
export function isDomain(candidate: string): boolean {
  const host = candidate.trim().toLowerCase();
  if (!isHostName(host)) return false;
  const labels = host.split('.');
  const tld = labels[labels.length - 1] ?? '';
  return !(labels.length === 2 && FILE_EXTENSION_TLDS.has(tld));
}

/** An e-mail address: dot-atom local part (≤ 64), `@`, a host name with a known TLD. Rejects `a@b`. */
export function isEmail(candidate: string): boolean {
  const s = candidate.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at !== s.indexOf('@')) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local)) return false;
  return isHostName(domain);
}

/** An absolute http(s)/ftp URL (or one starting `www.`) whose host is a real-looking name or an IP address. */
export function isUrl(candidate: string): boolean {
  const s = candidate.trim();
  const withScheme = /^www\./i.test(s) ? `http://${s}` : s;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return false;
  }
  if (!['http:', 'https:', 'ftp:'].includes(url.protocol)) return false;
  const host = url.hostname;
  if (host.startsWith('[')) return isIpv6(host.slice(1, -1));
  if (/^[\d.]+$/.test(host)) return isIpv4(host);
  return host === 'localhost' || isHostName(host);
}

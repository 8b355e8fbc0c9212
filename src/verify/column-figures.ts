import type { ActionSpec } from '../core/index.js';

/** Utility figures of one transformed column: how well its distributions survive. Reported, never failing. */
export interface UtilityFigure {
  readonly table: string;
  readonly column: string;
  readonly action: ActionSpec['kind'];
  /** Total variation distance (0 = same, 1 = disjoint) between the value-length distributions. */
  readonly lengthDistance: number;
  /** Email columns: share of free-mail, organisation and reserved/test domains on each side. */
  readonly emailDomains?: {
    readonly source: DomainMix;
    readonly target: DomainMix;
    readonly distance: number;
  };
  /** Generalized columns: distinct values on each side and the smallest group in the target (k). */
  readonly groups?: {
    readonly sourceDistinct: number;
    readonly targetDistinct: number;
    readonly smallestTargetGroup: number;
    /** True when more distinct values than the cap were seen (figures are then lower bounds). */
    readonly capped: boolean;
  };
}

export interface DomainMix {
  readonly free_mail: number;
  readonly organisation: number;
  readonly reserved: number;
}

const FREE_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'outlook.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'gmx.de',
  'gmx.net',
  'gmx.com',
  'web.de',
  'mail.ru',
  'yandex.ru',
  'yandex.com',
  'qq.com',
  '163.com',
  'protonmail.com',
  'proton.me',
  'zoho.com',
  'mail.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  't-online.de',
  'libero.it',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'naver.com',
  'rediffmail.com',
  'fastmail.com',
  'tutanota.com',
]);
const RESERVED = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/;

export function domainKind(email: string): keyof DomainMix {
  const at = email.lastIndexOf('@');
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase();
  if (RESERVED.test(domain)) return 'reserved';
  return FREE_MAIL.has(domain) ? 'free_mail' : 'organisation';
}

const LENGTH_BUCKETS = 65;
const MAX_GROUPS = 100_000;

/** SideFigures as plain data (counts and 32-bit hashes only), to move between threads and add up. */
export interface SideFiguresState {
  readonly rows: number;
  readonly nulls: number;
  readonly lengths: readonly number[];
  readonly domains: DomainMix;
  readonly groups: readonly (readonly [number, number])[] | null;
  readonly groupsCapped: boolean;
}

/** One side's running figures for one column: lengths, nulls, domain kinds, group sizes (by hash). */
export class SideFigures {
  rows = 0;
  nulls = 0;
  readonly lengths = new Float64Array(LENGTH_BUCKETS);
  readonly domains = { free_mail: 0, organisation: 0, reserved: 0 };
  readonly groups: Map<number, number> | null;
  groupsCapped = false;

  constructor(countGroups: boolean) {
    this.groups = countGroups ? new Map() : null;
  }

  add(value: string | null, isEmail: boolean): void {
    this.rows++;
    if (value === null) {
      this.nulls++;
      return;
    }
    const bucket = Math.min(value.length, LENGTH_BUCKETS - 1);
    this.lengths[bucket] = (this.lengths[bucket] as number) + 1;
    if (isEmail && value.includes('@')) this.domains[domainKind(value)]++;
    if (this.groups !== null) {
      const key = hash32(value);
      const seen = this.groups.get(key);
      if (seen !== undefined) this.groups.set(key, seen + 1);
      else if (this.groups.size < MAX_GROUPS) this.groups.set(key, 1);
      else this.groupsCapped = true;
    }
  }

  state(): SideFiguresState {
    return {
      rows: this.rows,
      nulls: this.nulls,
      lengths: [...this.lengths],
      domains: { ...this.domains },
      groups: this.groups === null ? null : [...this.groups],
      groupsCapped: this.groupsCapped,
    };
  }

  /** Adds another reader's figures of the same column (e.g. a worker thread's share of the rows). */
  absorb(other: SideFiguresState): void {
    this.rows += other.rows;
    this.nulls += other.nulls;
    other.lengths.forEach((n, i) => (this.lengths[i] = (this.lengths[i] ?? 0) + n));
    this.domains.free_mail += other.domains.free_mail;
    this.domains.organisation += other.domains.organisation;
    this.domains.reserved += other.domains.reserved;
    if (other.groupsCapped) this.groupsCapped = true;
    if (this.groups === null || other.groups === null) return;
    for (const [key, count] of other.groups) {
      const seen = this.groups.get(key);
      if (seen !== undefined) this.groups.set(key, seen + count);
      else if (this.groups.size < MAX_GROUPS) this.groups.set(key, count);
      else this.groupsCapped = true;
    }
  }
}

export function utilityFigure(
  table: string,
  column: string,
  action: ActionSpec,
  source: SideFigures,
  target: SideFigures,
  isEmail: boolean,
): UtilityFigure {
  const figure: UtilityFigure = {
    table,
    column,
    action: action.kind,
    lengthDistance: round(totalVariation(source.lengths, target.lengths)),
  };
  const withEmail: UtilityFigure =
    isEmail && source.rows > 0
      ? {
          ...figure,
          emailDomains: {
            source: shares(source.domains),
            target: shares(target.domains),
            distance: round(totalVariation(Object.values(source.domains), Object.values(target.domains))),
          },
        }
      : figure;
  if (source.groups === null || target.groups === null) return withEmail;
  let smallest = 0;
  for (const count of target.groups.values()) smallest = smallest === 0 ? count : Math.min(smallest, count);
  return {
    ...withEmail,
    groups: {
      sourceDistinct: source.groups.size,
      targetDistinct: target.groups.size,
      smallestTargetGroup: smallest,
      capped: source.groupsCapped || target.groupsCapped,
    },
  };
}

function shares(mix: DomainMix): DomainMix {
  const total = mix.free_mail + mix.organisation + mix.reserved;
  const share = (n: number): number => (total === 0 ? 0 : round(n / total));
  return {
    free_mail: share(mix.free_mail),
    organisation: share(mix.organisation),
    reserved: share(mix.reserved),
  };
}

function totalVariation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < a.length; i++) sumA += a[i] as number;
  for (let i = 0; i < b.length; i++) sumB += b[i] as number;
  if (sumA === 0 || sumB === 0) return sumA === sumB ? 0 : 1;
  let distance = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    distance += Math.abs((a[i] ?? 0) / sumA - (b[i] ?? 0) / sumB);
  }
  return distance / 2;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** FNV-1a over UTF-16 code units, `seed` mixed into its offset basis: cheap, not keyed, not for lookups of secrets. */
export function hash32(value: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

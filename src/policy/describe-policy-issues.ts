import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** One problem in a policy file: where (a path into the document) and what was expected. Never the value. */
export interface PolicyProblem {
  readonly path: readonly (string | number)[];
  /** For an unknown key: the key itself (a name in the file's structure), so it can be located. `path` is its mapping. */
  readonly key?: string;
  readonly expected: string;
}

/**
 * Turns zod issues into problems built only from the issue's structured fields (codes, expected values,
 * limits, key names). zod issues also carry the offending `input`; it is never read here, because policy
 * values can be personal (an e-mail address pasted into the wrong field).
 */
export function describePolicyIssues(issues: readonly Issue[], data: unknown): PolicyProblem[] {
  return issues.flatMap((issue) => describeIssue(issue, [], data));
}

function describeIssue(issue: Issue, prefix: readonly (string | number)[], data: unknown): PolicyProblem[] {
  const path = [...prefix, ...issue.path.map(toSegment)];
  const present = valueAt(data, path) !== undefined;
  switch (issue.code) {
    case 'invalid_type':
      return [{ path, expected: present ? `expected ${article(issue.expected)}` : 'required' }];
    case 'invalid_value':
      return [{ path, expected: withPresence(present, expectedValues(issue.values)) }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path, key, expected: `unknown key ${quote(key)}` }));
    case 'too_small':
      return [
        {
          path,
          expected: limit(
            issue.exact ? 'exactly' : 'at least',
            issue.origin,
            issue.minimum,
            issue.inclusive !== false,
          ),
        },
      ];
    case 'too_big':
      return [
        {
          path,
          expected: limit(
            issue.exact ? 'exactly' : 'at most',
            issue.origin,
            issue.maximum,
            issue.inclusive !== false,
          ),
        },
      ];
    case 'not_multiple_of':
      return [{ path, expected: `expected a multiple of ${issue.divisor}` }];
    case 'invalid_format':
      return [{ path, expected: `expected a ${issue.format}` }];
    case 'invalid_key': {
      // The key's own issues carry the schema's message (e.g. the JSON path syntax); never the key text.
      const custom = issue.issues.find((i) => i.code === 'invalid_format' || i.code === 'custom');
      const message = custom?.message;
      return [{ path, expected: message === undefined ? 'invalid key' : `invalid key: ${message}` }];
    }
    case 'invalid_element':
      return [{ path, expected: 'invalid element' }];
    case 'custom':
      // Custom messages are written in this module's schemas and name structure, not values.
      return [{ path, expected: issue.message }];
    case 'invalid_union':
      return describeUnion(issue, path, data, present);
  }
}

function describeUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: readonly (string | number)[],
  data: unknown,
  present: boolean,
): PolicyProblem[] {
  // A discriminated union whose discriminator matched no option: the issue lists the options.
  if ('options' in issue && issue.options !== undefined && issue.options.length > 0) {
    return [{ path, expected: withPresence(present, expectedValues(issue.options)) }];
  }
  // Otherwise explain the branch the input got furthest into: the one whose issues are not a type mismatch
  // at its root (a mapping that fails on `entity` rather than a mapping that is not a string).
  const branch = issue.errors.find((errors) => !errors.some(isRootMismatch));
  if (branch !== undefined && branch.length > 0) return branch.flatMap((i) => describeIssue(i, path, data));
  if (!present) return [{ path, expected: 'required' }];
  return [{ path, expected: issue.message === 'Invalid input' ? 'invalid value' : issue.message }];
}

function isRootMismatch(issue: Issue): boolean {
  return issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
}

function withPresence(present: boolean, expectation: string): string {
  return present ? expectation : `required: ${expectation}`;
}

function expectedValues(values: readonly unknown[]): string {
  const names = values.map((v) => String(v));
  return names.length === 1 ? `expected ${names[0] ?? ''}` : `expected one of: ${names.join(', ')}`;
}

function limit(
  bound: 'at least' | 'at most' | 'exactly',
  origin: string,
  value: number | bigint,
  inclusive: boolean,
): string {
  const amount = inclusive ? `${bound} ${value}` : `${bound === 'at least' ? 'more' : 'less'} than ${value}`;
  if (origin === 'string') return `expected ${amount} character${value === 1 ? '' : 's'}`;
  if (origin === 'array') return `expected ${amount} item${value === 1 ? '' : 's'}`;
  return `expected a number ${amount}`;
}

function article(type: string): string {
  switch (type) {
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'an integer';
    case 'string':
    case 'number':
    case 'boolean':
      return `a ${type}`;
    default:
      return type;
  }
}

function quote(name: string): string {
  return JSON.stringify(name);
}

function toSegment(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** `tables."public.customer".columns.email.entity`: identifier-like keys bare, others quoted, indexes in []. */
export function formatPolicyPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `${text === '' ? '' : '.'}${quote(segment)}`;
  }
  return text === '' ? '(document)' : text;
}

import { GatewayError } from '../core/index.js';

/**
 * A JSON document as read from PostgreSQL's text form. Numbers keep their literal text (`JSON.parse` would
 * round 20-digit ids and turn `1.50` into `1.5`), and objects keep key order; `writeJson` prints it back.
 */
export type JsonNode =
  string | boolean | null | { readonly number: string } | readonly JsonNode[] | ReadonlyMap<string, JsonNode>;

export function isJsonNumber(node: JsonNode): node is { readonly number: string } {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && !(node instanceof Map);
}

export function isJsonObject(node: JsonNode): node is ReadonlyMap<string, JsonNode> {
  return node instanceof Map;
}

/** Parses JSON text; a malformed document is an error naming the column, never quoting the text. */
export function readJson(text: string, label: string): JsonNode {
  let at = 0;
  const fail = (): never => {
    throw new GatewayError('transform_failed', `${label}: a value is not valid JSON (at character ${at})`);
  };
  const skipSpace = (): void => {
    while (at < text.length) {
      const c = text.charCodeAt(at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) at++;
      else break;
    }
  };
  const readString = (): string => {
    const start = at;
    at++; // opening quote
    let hasEscape = false;
    while (at < text.length) {
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c === 0x5c) {
        hasEscape = true;
        at += 2;
      } else at++;
    }
    if (at >= text.length) fail();
    at++; // closing quote
    const raw = text.slice(start, at);
    if (!hasEscape) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return fail();
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const readValue = (depth: number): JsonNode => {
    if (depth > 512) fail();
    skipSpace();
    const c = text[at];
    if (c === '"') return readString();
    if (c === '{') {
      at++;
      const object = new Map<string, JsonNode>();
      skipSpace();
      if (text[at] === '}') {
        at++;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail();
        const key = readString();
        skipSpace();
        if (text[at] !== ':') fail();
        at++;
        object.set(key, readValue(depth + 1));
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === '}') {
          at++;
          return object;
        } else fail();
      }
    }
    if (c === '[') {
      at++;
      const array: JsonNode[] = [];
      skipSpace();
      if (text[at] === ']') {
        at++;
        return array;
      }
      for (;;) {
        array.push(readValue(depth + 1));
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === ']') {
          at++;
          return array;
        } else fail();
      }
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (match === null) return fail();
    at += match[0].length;
    return { number: match[0] };
  };
  const value = readValue(0);
  skipSpace();
  if (at !== text.length) fail();
  return value;
}

export function writeJson(node: JsonNode): string {
  if (node === null) return 'null';
  if (typeof node === 'string') return JSON.stringify(node);
  if (typeof node === 'boolean') return node ? 'true' : 'false';
  if (Array.isArray(node)) return `[${node.map(writeJson).join(', ')}]`;
  if (isJsonObject(node)) {
    const parts: string[] = [];
    for (const [key, value] of node) parts.push(`${JSON.stringify(key)}: ${writeJson(value)}`);
    return `{${parts.join(', ')}}`;
  }
  return (node as { readonly number: string }).number;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The canonical path step for an object key: `.name`, or `["first name"]` when it is not a plain word. */
export function keyStep(key: string): string {
  return PLAIN_KEY.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Array elements share one path: `$.items[*].sku`. */
export const ARRAY_STEP = '[*]';

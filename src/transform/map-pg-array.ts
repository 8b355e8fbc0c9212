import { GatewayError } from '../core/index.js';

function malformed(columnName: string): GatewayError {
  return new GatewayError('internal', `column "${columnName}": a value is not a well-formed array literal`, {
    column: columnName,
  });
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Whether an element must be double-quoted in an array literal (as array_out decides). */
function needsQuotes(element: string): boolean {
  if (element.length === 0) return true;
  if (element.length === 4 && element.toUpperCase() === 'NULL') return true;
  for (let i = 0; i < element.length; i++) {
    const code = element.charCodeAt(i);
    // { } " , \ and whitespace
    if (code === 123 || code === 125 || code === 34 || code === 44 || code === 92 || isSpace(code))
      return true;
  }
  return false;
}

function quote(element: string): string {
  if (!needsQuotes(element)) return element;
  return `"${element.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Rewrites a PostgreSQL array literal (`{a,"b c",NULL}`, `{{1,2},{3,4}}`, `[0:1]={x,y}`) by mapping each
 * element; NULL elements stay NULL and `map` returning null writes NULL. Delimiter `,` (every type but box).
 * Throws naming only the column when the text is not an array literal.
 */
export function mapPgArray(
  text: string,
  map: (element: string) => string | null,
  columnName: string,
): string {
  let i = 0;
  let out = '';
  const length = text.length;
  if (text.charCodeAt(0) === 91 /* [ */) {
    const equals = text.indexOf('=');
    if (equals < 0) throw malformed(columnName);
    out = text.slice(0, equals + 1);
    i = equals + 1;
  }
  if (text.charCodeAt(i) !== 123 /* { */) throw malformed(columnName);
  let depth = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 123) {
      depth++;
      out += '{';
      i++;
    } else if (code === 125 /* } */) {
      depth--;
      out += '}';
      i++;
      if (depth === 0) break;
      if (depth < 0) throw malformed(columnName);
    } else if (code === 44 /* , */) {
      out += ',';
      i++;
    } else if (isSpace(code)) {
      i++;
    } else if (code === 34 /* " */) {
      let element = '';
      i++;
      for (;;) {
        if (i >= length) throw malformed(columnName);
        const c = text.charCodeAt(i);
        if (c === 34) break;
        if (c === 92 /* \ */) i++;
        if (i >= length) throw malformed(columnName);
        element += text.charAt(i);
        i++;
      }
      i++;
      const mapped = map(element);
      out += mapped === null ? 'NULL' : quote(mapped);
    } else {
      let element = '';
      let trailingSpaces = 0;
      let escaped = false;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === 44 || c === 125 || c === 123) break;
        if (c === 34) throw malformed(columnName);
        if (c === 92) {
          i++;
          if (i >= length) throw malformed(columnName);
          trailingSpaces = 0;
          escaped = true;
        } else {
          trailingSpaces = isSpace(c) ? trailingSpaces + 1 : 0;
        }
        element += text.charAt(i);
        i++;
      }
      if (trailingSpaces > 0) element = element.slice(0, element.length - trailingSpaces);
      if (!escaped && element.length === 4 && element.toUpperCase() === 'NULL') {
        out += 'NULL';
      } else {
        const mapped = map(element);
        out += mapped === null ? 'NULL' : quote(mapped);
      }
    }
  }
  if (depth !== 0 || i !== length) throw malformed(columnName);
  return out;
}

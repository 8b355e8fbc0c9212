/** A PostgreSQL array as nested lists of element texts (`null` for NULL elements). */
export type PgArray = (string | null | PgArray)[];

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v';
}

/**
 * Parses PostgreSQL's array text output (`{a,"b c",NULL}`, `{{1,2},{3,4}}`, `[0:1]={x,y}`), delimiter `,`
 * (every type but box). Returns undefined when the text is not an array literal.
 */
export function parsePgArray(text: string): PgArray | undefined {
  let i = 0;
  if (text.startsWith('[')) {
    const equals = text.indexOf('=');
    if (equals < 0) return undefined;
    i = equals + 1;
  }
  const stack: PgArray[] = [];
  let result: PgArray | undefined;
  let expectElement = false;
  while (i < text.length) {
    const char = text[i];
    if (isSpace(char)) {
      i++;
    } else if (char === '{') {
      const list: PgArray = [];
      stack.at(-1)?.push(list);
      stack.push(list);
      expectElement = true;
      i++;
    } else if (char === '}') {
      const list = stack.pop();
      if (list === undefined) return undefined;
      if (stack.length === 0) {
        result = list;
        i++;
        break;
      }
      expectElement = false;
      i++;
    } else if (char === ',') {
      if (stack.length === 0) return undefined;
      expectElement = true;
      i++;
    } else {
      const list = stack.at(-1);
      if (list === undefined || !expectElement) return undefined;
      let value = '';
      if (char === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          value += text[i] ?? '';
          i++;
        }
        if (i >= text.length) return undefined;
        i++;
        list.push(value);
      } else {
        let quotedLength = 0;
        while (i < text.length && text[i] !== ',' && text[i] !== '}') {
          if (text[i] === '\\') {
            i++;
            quotedLength = value.length + 1;
          }
          value += text[i] ?? '';
          i++;
        }
        // Trailing spaces are not part of an unquoted element (unless escaped).
        let end = value.length;
        while (end > quotedLength && isSpace(value[end - 1])) end--;
        value = value.slice(0, end);
        list.push(quotedLength === 0 && value.toUpperCase() === 'NULL' ? null : value);
      }
      expectElement = false;
    }
  }
  if (result === undefined) return undefined;
  while (i < text.length && isSpace(text[i])) i++;
  return i === text.length ? result : undefined;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Calls `visit` with every string leaf of a JSON document and its path as policies write it
 * (`$.contact.email`, `$.items[*].name`, `$["a key"]`). Returns false when the text is not JSON.
 */
export function forEachJsonString(text: string, visit: (path: string, value: string) => void): boolean {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return false;
  }
  walk(document, '$', visit);
  return true;
}

function walk(node: unknown, path: string, visit: (path: string, value: string) => void): void {
  if (typeof node === 'string') {
    visit(path, node);
  } else if (Array.isArray(node)) {
    for (const item of node) walk(item, `${path}[*]`, visit);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      walk(value, PLAIN_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, visit);
    }
  }
}

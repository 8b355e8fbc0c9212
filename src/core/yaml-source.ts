import { isMap, isNode, isScalar, type Document, type LineCounter } from 'yaml';

/**
 * Where in a YAML file a problem is, for errors that name `file:line:col` and never quote the text. Shared
 * by every YAML format we read (policies, entity catalogue, column rules, gateway config).
 */

/** `file:line:col` for an offset, or just `file` when there is none. */
export function sourceLocation(file: string, lineCounter: LineCounter, offset: number | undefined): string {
  if (offset === undefined) return file;
  const { line, col } = lineCounter.linePos(offset);
  return `${file}:${line}:${col}`;
}

/**
 * The offset of the node at `path`; for an unknown `key`, of that key in the mapping at `path`; else of the
 * nearest enclosing node that exists (a missing key points at the mapping that lacks it).
 */
export function sourceOffset(
  doc: Document,
  path: readonly (string | number)[],
  key?: string,
): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    const node: unknown = prefix.length === 0 ? doc.contents : doc.getIn(prefix, true);
    if (!isNode(node)) continue;
    if (length === path.length && key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (isNode(pair?.key) && pair.key.range) return pair.key.range[0];
    }
    if (node.range) return node.range[0];
  }
  return undefined;
}

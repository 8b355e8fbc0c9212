import type { ColumnInfo, LeafActionSpec } from '../core/index.js';
import { describeColumn, fitting, notFitting, perValue, valueBaseType } from './column-shape.js';
import { compileNumberedRedaction, isNumberedRedaction, placeholderNumbers } from './compile-redact-text.js';
import type { PlaceholderNumbers } from './compile-redact-text.js';
import {
  ARRAY_STEP,
  isJsonNumber,
  isJsonObject,
  keyStep,
  readJson,
  writeJson,
  type JsonNode,
} from './json-document.js';
import type { ActionOf, ColumnContext, OutputFit, ValueTransform } from './value-transform.js';

/** A JSON leaf seen as an unbounded, nullable text column named after its path. */
function leafColumn(column: ColumnInfo, path: string): ColumnInfo {
  return {
    ...column,
    name: `${column.name}${path.slice(1)}`,
    dataType: 'text',
    baseType: 'text',
    category: 'string',
    elementCategory: null,
    maxLength: null,
    isNullable: true,
    enumLabels: null,
  };
}

/** A leaf's action on its text; `numbers` is the document's placeholder numbering (`mode: placeholder`). */
type LeafTransform = (value: string, numbers: PlaceholderNumbers) => string | null;

/**
 * Rewrites a JSON document leaf by leaf. A leaf's path is its keys from the root with `[*]` for array
 * elements; a named path gets its action (compiled once per path, like a column), other string leaves get
 * `other`. Structure, keys, numbers and booleans outside `paths` stay as they are. Numbered placeholders
 * (`redact_text` with `mode: placeholder`) count across the whole document: one person is `<PERSON_1>` in
 * every leaf of it.
 */
export function compileJson(
  action: ActionOf<'json'>,
  context: ColumnContext,
  compileLeafValue: (spec: LeafActionSpec, context: ColumnContext) => ValueTransform,
): ValueTransform {
  const { column } = context;
  const compiled = new Map<string, LeafTransform>();
  const leafTransform = (path: string, spec: LeafActionSpec): LeafTransform => {
    let transform = compiled.get(path);
    if (transform === undefined) {
      // A leaf is unique only as its scope is (a unique column elsewhere holds the same values).
      const isUnique =
        spec.kind === 'substitute' && context.isUniqueScope?.(spec.scope ?? spec.entity) === true;
      const leafContext: ColumnContext = { ...context, column: leafColumn(column, path), isUnique };
      if (spec.kind === 'redact_text' && isNumberedRedaction(spec)) {
        transform = compileNumberedRedaction(spec, leafContext);
      } else {
        const compiledLeaf = compileLeafValue(spec, leafContext);
        transform = (value) => compiledLeaf(value, []);
      }
      compiled.set(path, transform);
    }
    return transform;
  };
  const otherSpec: LeafActionSpec | null =
    action.other === 'keep'
      ? null
      : action.other === 'nullify'
        ? { kind: 'nullify' }
        : { kind: 'redact_text' };

  const rewrite = (node: JsonNode, path: string, numbers: PlaceholderNumbers): JsonNode => {
    if (Array.isArray(node)) {
      const elementPath = path + ARRAY_STEP;
      return (node as readonly JsonNode[]).map((element) => rewrite(element, elementPath, numbers));
    }
    if (isJsonObject(node)) {
      const out = new Map<string, JsonNode>();
      for (const [key, value] of node) out.set(key, rewrite(value, path + keyStep(key), numbers));
      return out;
    }
    if (node === null) return null;
    const named = action.paths[path];
    const spec = named ?? (typeof node === 'string' ? otherSpec : null);
    if (spec === null || spec.kind === 'keep') return node;
    if (spec.kind === 'nullify') return null;
    const text =
      typeof node === 'string' ? node : isJsonNumber(node) ? node.number : node === true ? 'true' : 'false';
    return leafTransform(path, spec)(text, numbers);
  };
  const label = describeColumn(column);
  // Documents are rarely repeated, so no memo here; leaves memoize their own transforms.
  const isNumbered = Object.values(action.paths).some(
    (spec) => spec.kind === 'redact_text' && isNumberedRedaction(spec),
  );
  const noNumbers: PlaceholderNumbers = () => 0; // never called: no leaf writes numbered placeholders
  return perValue(column, (value) =>
    writeJson(rewrite(readJson(value, label), '$', isNumbered ? placeholderNumbers() : noNumbers)),
  );
}

export function fitJson(column: ColumnInfo): OutputFit {
  const base = valueBaseType(column);
  if (base !== 'json' && base !== 'jsonb') {
    return notFitting(
      `${describeColumn(column)} is not a json or jsonb column; the json action rewrites JSON`,
    );
  }
  return fitting(true);
}

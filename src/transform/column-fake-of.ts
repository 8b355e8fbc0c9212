import type { ColumnInfo, EntityKind } from '../core/index.js';
import { compileSubstitute } from './compile-substitute.js';
import type { ColumnContext, ValueTransform } from './value-transform.js';

/** An unbounded text column: what a span of prose is substituted as. */
const PROSE_VALUE: ColumnInfo = Object.freeze({
  name: 'span',
  dataType: 'text',
  baseType: 'text',
  category: 'string',
  elementCategory: null,
  maxLength: null,
  isNullable: true,
  isGenerated: false,
  identity: null,
  hasDefault: false,
  enumLabels: null,
});

/**
 * Kinds whose unique form reads naturally in prose (`ann.lee.k3j…@example.com`, `ann_lee_k3j…`), so a
 * span of them takes it when a unique column holds their scope. A person's name in text stays built from
 * its parts' fakes, matching the first and last name columns, rather than `Linda Diaz-Qzmbrexdlavtk`.
 */
const UNIQUE_IN_PROSE: ReadonlySet<EntityKind> = new Set(['email', 'username']);

/**
 * The fake a substituted text column of `kind` (default scope; for e-mail addresses and usernames, unique
 * when a unique column holds that scope, see `isUniqueScope`) gives a value: names keyed
 * in any case, addresses built from their names, fakes that may be real drawn again. For spans of prose,
 * so a person mentioned in a text gets the fake their own columns get (`MARY` in a column, `Mary` in a
 * note; `ann.lee@corp.com` in both). One compiled substitution per kind, made on first use.
 */
export function columnFakeOf(context: ColumnContext): (kind: EntityKind, value: string) => string {
  const { isScopeValue, isUniqueScope } = context;
  const byKind = new Map<EntityKind, ValueTransform>();
  return (kind, value) => {
    let substitute = byKind.get(kind);
    if (substitute === undefined) {
      substitute = compileSubstitute(
        { kind: 'substitute', entity: kind },
        {
          column: PROSE_VALUE,
          seeder: context.seeder,
          isUnique: UNIQUE_IN_PROSE.has(kind) && isUniqueScope?.(kind) === true,
          columnIndexByName: new Map(),
          rowKeyIndexes: [],
          ...(isScopeValue === undefined
            ? {}
            : { isScopeValue, isSourceValue: (v: string) => isScopeValue(kind, v) }),
          ...(context.buildsFromNames === undefined ? {} : { buildsFromNames: context.buildsFromNames }),
        },
      );
      byKind.set(kind, substitute);
    }
    return substitute(value, []) ?? value;
  };
}

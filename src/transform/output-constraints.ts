import type { ActionSpec, ColumnInfo } from '../core/index.js';
import { fitEncrypt } from './compile-encrypt.js';
import { fitGeneralize } from './compile-generalize.js';
import { fitHash } from './compile-hash.js';
import { fitJson } from './compile-json.js';
import { fitKeep } from './compile-keep.js';
import { fitMask } from './compile-mask.js';
import { fitNullify } from './compile-nullify.js';
import { fitRedactText } from './compile-redact-text.js';
import { fitShiftDate } from './compile-shift-date.js';
import { fitSubstitute } from './compile-substitute.js';
import type { OutputFit } from './value-transform.js';

/**
 * Pre-flight for one planned column, from types alone: whether the action's output fits the column's
 * category, length and nullability, and whether two distinct inputs can map to one output (which a unique
 * column cannot take). Keep, and drop, always fit and never collide.
 */
export function outputConstraints(action: ActionSpec, column: ColumnInfo, isUnique: boolean): OutputFit {
  switch (action.kind) {
    case 'keep':
    case 'drop':
      return fitKeep();
    case 'substitute':
      return fitSubstitute(action, column, isUnique);
    case 'mask':
      return fitMask(action, column);
    case 'hash':
      return fitHash(action, column);
    case 'encrypt':
      return fitEncrypt(action, column);
    case 'nullify':
      return fitNullify(column);
    case 'generalize':
      return fitGeneralize(action, column);
    case 'shift_date':
      return fitShiftDate(action, column);
    case 'redact_text':
      return fitRedactText(column);
    case 'json':
      return fitJson(column);
  }
}

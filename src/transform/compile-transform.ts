import type { ActionSpec } from '../core/index.js';
import { GatewayError } from '../core/index.js';
import { describeColumn } from './column-shape.js';
import { compileEncrypt } from './compile-encrypt.js';
import { compileGeneralize } from './compile-generalize.js';
import { compileHash } from './compile-hash.js';
import { compileJson } from './compile-json.js';
import { compileKeep } from './compile-keep.js';
import { compileMask } from './compile-mask.js';
import { compileNullify } from './compile-nullify.js';
import { compileRedactText } from './compile-redact-text.js';
import { compileShiftDate } from './compile-shift-date.js';
import { compileSubstitute } from './compile-substitute.js';
import { outputConstraints } from './output-constraints.js';
import type { ColumnContext, ValueTransform } from './value-transform.js';

/**
 * Compiles one planned column action into a function on text values. Everything that depends only on
 * the plan is decided here, once; an action whose output cannot fit the column is refused here too
 * (`preflight_failed`), so a run never starts writing values the target would reject. NULL stays NULL
 * for every action. `drop` is the pipeline's (the column is not read) and is refused as `internal`.
 */
export function compileTransform(action: ActionSpec, context: ColumnContext): ValueTransform {
  const { column } = context;
  if (action.kind === 'drop') {
    throw new GatewayError(
      'internal',
      `${describeColumn(column)}: drop is applied by the pipeline, not compiled`,
      {
        column: column.name,
      },
    );
  }
  const fit = outputConstraints(action, column, context.isUnique);
  if (!fit.fits) {
    throw new GatewayError(
      'preflight_failed',
      fit.problem ?? `${describeColumn(column)}: ${action.kind} does not fit`,
      {
        column: column.name,
      },
    );
  }
  switch (action.kind) {
    case 'keep':
      return compileKeep();
    case 'substitute':
      return compileSubstitute(action, context);
    case 'mask':
      return compileMask(action, context);
    case 'hash':
      return compileHash(action, context);
    case 'encrypt':
      return compileEncrypt(action, context);
    case 'nullify':
      return compileNullify();
    case 'generalize':
      return compileGeneralize(action, context);
    case 'shift_date':
      return compileShiftDate(action, context);
    case 'redact_text':
      return compileRedactText(action, context);
    case 'json':
      return compileJson(action, context, compileTransform);
  }
}

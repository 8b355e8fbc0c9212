import type { ColumnInfo } from '../core/index.js';
import { GatewayError } from '../core/index.js';
import { DomainTooSmallError, MIN_ALPHANUMERIC_CHARS, MIN_DIGITS } from '../fake-values/index.js';
import { describeColumn, fitting, notFitting, perValue, valueCategory } from './column-shape.js';
import type { ActionOf, ColumnContext, OutputFit, ValueTransform } from './value-transform.js';

/** The tweak of `encrypt` without a `scope`: one scope for every such column, so they all join. */
export const ENCRYPT_SCOPE = 'encrypt';

/** The scope an encrypt action enciphers under (also what `lookalike decrypt --scope` takes). */
export function encryptScope(action: ActionOf<'encrypt'>): string {
  return action.scope ?? ENCRYPT_SCOPE;
}

/** What a value needs to be enciphered, for messages. */
function minimumText(action: ActionOf<'encrypt'>): string {
  return action.alphabet === 'digits'
    ? `at least ${MIN_DIGITS} digits`
    : `at least ${MIN_DIGITS} digits, or ${MIN_ALPHANUMERIC_CHARS} letters, or a mix worth as much`;
}

/**
 * FF1 format-preserving encryption of each value (see `FormatCipher`). A value with too few characters to
 * encipher (FF1's domain must hold a million values) stops the run, naming the column: passing it through
 * would leak it, and widening the domain to its separators would no longer keep them in place.
 */
export function compileEncrypt(action: ActionOf<'encrypt'>, context: ColumnContext): ValueTransform {
  const { column } = context;
  const cipher = context.seeder.formatCipher;
  const scope = encryptScope(action);
  return perValue(column, (value) => {
    try {
      return cipher.encrypt(value, scope, action.alphabet);
    } catch (error) {
      if (!(error instanceof DomainTooSmallError)) throw error;
      throw new GatewayError(
        'transform_failed',
        `${describeColumn(column)}: a value has only ${error.characters} characters to encrypt; encrypt (alphabet ${action.alphabet}) needs ${minimumText(action)} per value — use hash or substitute for this column`,
        { column: column.name },
      );
    }
  });
}

/**
 * Text columns only (an integer's leading zero would be lost, and with it reversibility). Refused when the
 * column's declared length cannot hold enough characters. Never collides: FF1 is a bijection.
 */
export function fitEncrypt(action: ActionOf<'encrypt'>, column: ColumnInfo): OutputFit {
  if (valueCategory(column) !== 'string') {
    return notFitting(
      `${describeColumn(column)} is not a text column; encrypt keeps the format of text identifiers`,
    );
  }
  const fewest = action.alphabet === 'digits' ? MIN_DIGITS : MIN_ALPHANUMERIC_CHARS;
  if (column.maxLength !== null && column.maxLength < fewest) {
    return notFitting(
      `${describeColumn(column)} is too short to encrypt: FF1 needs ${minimumText(action)} per value`,
    );
  }
  if (action.scope !== undefined && action.scope === '') {
    return notFitting(`${describeColumn(column)}: encrypt scope must not be empty`);
  }
  return fitting(false);
}

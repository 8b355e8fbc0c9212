/**
 * Rows travel as arrays of values in the store's canonical text form (PostgreSQL text output format:
 * `2024-01-31`, `{a,b}`, `{"k": 1}`), `null` for SQL NULL. Values exist only in the data path.
 */
export type Row = (string | null)[];

/** A bounded batch of rows: the unit of backpressure between source, transforms and sink. */
export type RowBatch = Row[];

/** V8 makes substrings this long or longer as views into their parent (SlicedString::kMinLength). */
const MIN_SLICED_LENGTH = 13;

/**
 * A copy of a value that holds no other string alive, for keeping it beyond its batch (memos, maps). Values
 * decoded from encoded rows are V8 slices of the batch's whole text (`split` makes a substring of 13
 * characters or more a view into its parent), and strings built from them may be concatenations of such
 * slices: one kept in a long-lived map keeps the batch's text (~256 KB in a transform worker) with it
 * (Node 20: one 30-character field kept from each of 400 decoded batches held 91 MB of heap; their copies,
 * 12 MB). The concatenation below is flattened into a new string of the value's length, which the result
 * views (~50 ns for 30 characters).
 */
export function ownString(value: string): string {
  return value.length < MIN_SLICED_LENGTH ? value : (' ' + value).slice(1);
}

/**
 * A SQL string literal under `standard_conforming_strings = on` (the default since PostgreSQL 9.1):
 * only the quote character needs doubling, backslashes are literal.
 */
export function sqlLiteral(value: string | null): string {
  if (value === null) return 'NULL';
  return `'${value.replace(/'/g, "''")}'`;
}

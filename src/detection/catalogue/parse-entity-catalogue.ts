import { LineCounter, parseDocument } from 'yaml';
import type { Document, ErrorCode as YamlErrorCode } from 'yaml';
import type { z } from 'zod';
import { GatewayError, sourceLocation, sourceOffset } from '../../core/index.js';
import { CatalogueSchema } from './catalogue-schema.js';
import { compileEntityCatalogue, type Path, type Problem } from './compile-entity-catalogue.js';
import type { EntityCatalogue } from './entity-catalogue.js';

const MAX_LISTED = 20;

/**
 * Parses, validates and compiles an entity catalogue. Throws `config_invalid` naming `fileName`, line:column,
 * the path in the document (and the entity and rule for a regex that does not compile) — never the YAML
 * library's message or zod's input, which can quote the file's contents.
 */
export function parseEntityCatalogue(text: string, fileName: string): EntityCatalogue {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    throw invalid(
      fileName,
      syntax.map(
        (e) => `${sourceLocation(fileName, lineCounter, e.pos[0])}: YAML syntax: ${yamlProblem(e.code)}`,
      ),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch {
    throw invalid(fileName, [`${fileName}: YAML syntax: an alias cannot be resolved`]);
  }
  const parsed = CatalogueSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap(describeIssue);
    throw invalid(fileName, locate(problems, doc, fileName, lineCounter));
  }
  const problems: Problem[] = [];
  const catalogue = compileEntityCatalogue(parsed.data, problems);
  if (problems.length > 0) throw invalid(fileName, locate(problems, doc, fileName, lineCounter));
  return catalogue;
}

function describeIssue(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  switch (issue.code) {
    case 'invalid_type':
      return [{ path, message: `expected ${issue.expected}` }];
    case 'invalid_value':
      return [{ path, message: `expected one of: ${issue.values.map((v) => String(v)).join(', ')}` }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key "${key}"` }));
    case 'too_small':
      return [{ path, message: `too small (minimum ${String(issue.minimum)})` }];
    case 'too_big':
      return [{ path, message: `too big (maximum ${String(issue.maximum)})` }];
    case 'invalid_format':
      return [{ path, message: `expected ${issue.format === 'regex' ? 'a different form' : issue.format}` }];
    case 'custom':
      return [{ path, message: issue.message }];
    case 'invalid_union':
      return [
        {
          path,
          message:
            'not a valid action: expected { kind: keep|substitute|mask|hash|nullify|generalize|shift_date|redact_text|drop, … }',
        },
      ];
    default:
      return [{ path, message: 'invalid value' }];
  }
}

function locate(problems: readonly Problem[], doc: Document, file: string, lc: LineCounter): string[] {
  return problems.map(
    (p) => `${sourceLocation(file, lc, sourceOffset(doc, p.path))}: ${formatPath(p.path)}: ${p.message}`,
  );
}

function formatPath(path: Path): string {
  if (path.length === 0) return '(document)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function invalid(file: string, lines: readonly string[]): GatewayError {
  const listed = lines.slice(0, MAX_LISTED);
  const more = lines.length - listed.length;
  const header =
    lines.length === 1
      ? 'invalid entity catalogue: '
      : `invalid entity catalogue, ${lines.length} problems:\n  `;
  return new GatewayError(
    'config_invalid',
    header + listed.join('\n  ') + (more > 0 ? `\n  … and ${more} more` : ''),
    {
      file,
      items: listed,
    },
  );
}

/** A fixed sentence per YAML error code: the library's own messages can quote the source. */
function yamlProblem(code: YamlErrorCode): string {
  const known: Partial<Record<YamlErrorCode, string>> = {
    BAD_INDENT: 'bad indentation',
    DUPLICATE_KEY: 'duplicate key in a mapping',
    MISSING_CHAR: 'a closing quote or bracket is missing',
    TAB_AS_INDENT: 'tabs cannot indent YAML; use spaces',
    BAD_DQ_ESCAPE: 'bad escape sequence in a double-quoted string; use single quotes for regexes',
    MULTIPLE_DOCS: 'several YAML documents in one file',
    BAD_SCALAR_START: 'a plain value cannot start with this character; quote it',
    UNEXPECTED_TOKEN: 'unexpected token',
  };
  return known[code] ?? 'unparseable YAML';
}

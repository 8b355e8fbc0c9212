import { LineCounter, parseDocument } from 'yaml';
import type { ErrorCode as YamlErrorCode, YAMLError } from 'yaml';
import { GatewayError, sourceLocation, sourceOffset } from '../core/index.js';
import { describePolicyIssues, formatPolicyPath } from './describe-policy-issues.js';
import type { PolicyProblem } from './describe-policy-issues.js';
import { PolicySchema } from './policy-schema.js';
import type { Policy } from './policy-schema.js';

/** At most this many problems are listed in one error; the count says how many more there were. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * Parses and validates policy YAML. Throws `policy_invalid` naming `fileLabel`, line:column and the path
 * inside the document, and what was expected — never the offending value, and never the YAML library's own
 * message, which can quote the source line.
 */
export function parsePolicy(text: string, fileLabel: string): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxProblems = [...doc.errors, ...doc.warnings];
  if (syntaxProblems.length > 0) {
    const lines = syntaxProblems.map(
      (e) => `${sourceLocation(fileLabel, lineCounter, e.pos[0])}: ${describeYamlError(e)}`,
    );
    throw invalid(fileLabel, lines, undefined);
  }
  let data: unknown;
  try {
    // A small alias cap stops "billion laughs" documents.
    data = doc.toJS({ maxAliasCount: 50 });
  } catch {
    // Thrown for an alias to an undefined anchor or too many aliases; its message names the alias.
    throw invalid(
      fileLabel,
      [`${fileLabel}: YAML syntax: an alias cannot be resolved (undefined anchor, or too many aliases)`],
      undefined,
    );
  }
  const result = PolicySchema.safeParse(data);
  if (result.success) return result.data;
  const problems = describePolicyIssues(result.error.issues, data);
  const lines = problems.map(
    (p) =>
      `${sourceLocation(fileLabel, lineCounter, sourceOffset(doc, p.path, p.key))}: ${formatPolicyPath(p.path)}: ${p.expected}`,
  );
  throw invalid(fileLabel, lines, problems[0]);
}

function invalid(file: string, lines: readonly string[], first: PolicyProblem | undefined): GatewayError {
  const listed = lines.slice(0, MAX_LISTED_PROBLEMS);
  const more = lines.length - listed.length;
  const header =
    lines.length === 1 ? 'invalid policy file: ' : `invalid policy file, ${lines.length} problems:\n  `;
  const message = header + listed.join('\n  ') + (more > 0 ? `\n  … and ${more} more` : '');
  return new GatewayError('policy_invalid', message, {
    file,
    items: listed,
    ...(first === undefined ? {} : { path: formatPolicyPath(first.path) }),
  });
}

const YAML_PROBLEMS: { readonly [C in YamlErrorCode]: string } = {
  ALIAS_PROPS: 'an alias cannot have a tag or anchor',
  BAD_ALIAS: 'an alias refers to an anchor that is not defined before it',
  BAD_DIRECTIVE: 'bad directive',
  BAD_DQ_ESCAPE: 'bad escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation',
  BAD_PROP_ORDER: 'anchors and tags must come before the value',
  BAD_SCALAR_START: 'a plain value cannot start with this character; quote it',
  BLOCK_AS_IMPLICIT_KEY: 'a block value cannot be a key',
  BLOCK_IN_FLOW: 'block syntax inside { } or [ ]',
  DUPLICATE_KEY: 'duplicate key in a mapping',
  IMPOSSIBLE: 'unparseable YAML',
  KEY_OVER_1024_CHARS: 'a key longer than 1024 characters',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines',
  MULTIPLE_ANCHORS: 'several anchors on one value',
  MULTIPLE_DOCS: 'several YAML documents in one file; a policy is one document',
  MULTIPLE_TAGS: 'several tags on one value',
  NON_STRING_KEY: 'a key that is not a string',
  RESOURCE_EXHAUSTION: 'the document expands to too much data',
  TAB_AS_INDENT: 'tabs cannot indent YAML; use spaces',
  TAG_RESOLVE_FAILED: 'unknown YAML tag',
  UNEXPECTED_TOKEN: 'unexpected token',
  BAD_COLLECTION_TYPE: 'a collection of the wrong type for its tag',
};

/** A fixed sentence per YAML error code: the library's messages can quote tags, anchors and source text. */
function describeYamlError(error: YAMLError): string {
  return `YAML syntax: ${YAML_PROBLEMS[error.code] ?? 'unparseable YAML'}`;
}

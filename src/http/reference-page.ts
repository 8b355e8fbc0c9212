/**
 * GET /docs: a readable reference of the API rendered from the OpenAPI document — one self-contained HTML
 * page (inline style, no script, nothing fetched from elsewhere), so it works offline and under a strict CSP.
 */
export function renderReferencePage(document: Readonly<Record<string, unknown>>): string {
  const info = asRecord(document.info);
  const paths = asRecord(document.paths);
  const schemas = asRecord(asRecord(document.components).schemas);
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(asRecord(item))
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation: asRecord(operation) })),
  );
  const title = `${text(info.title)} ${text(info.version)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — API reference</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text(info.description))} Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(text(document.openapi))}).
Every <code>/v1</code> call needs <code>Authorization: Bearer &lt;JWT&gt;</code>; errors are <code>application/problem+json</code>.</p>
<nav><ul>
${operations.map((o) => `<li><a href="#${anchor(o.method, o.path)}"><code>${o.method.toUpperCase()} ${escapeHtml(o.path)}</code></a> ${escapeHtml(text(o.operation.summary))}</li>`).join('\n')}
</ul></nav>
${operations.map((o) => renderOperation(o.path, o.method, o.operation)).join('\n')}
<h2 id="schemas">Schemas</h2>
${Object.entries(schemas)
  .map(([name, schema]) => renderSchema(name, asRecord(schema)))
  .join('\n')}
</body>
</html>
`;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function renderOperation(path: string, method: string, operation: Record<string, unknown>): string {
  const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
  const parameters = Array.isArray(operation.parameters) ? operation.parameters.map(asRecord) : [];
  const requestBody = asRecord(operation.requestBody);
  const responses = Object.entries(asRecord(operation.responses));
  const parts = [
    `<section id="${anchor(method, path)}">`,
    `<h2><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>`,
    `<p>${escapeHtml(text(operation.summary))}${operation.operationId === undefined ? '' : ` <small>(${escapeHtml(text(operation.operationId))})</small>`}${isPublic ? ' <small>no token</small>' : ''}</p>`,
  ];
  if (parameters.length > 0)
    parts.push(
      '<h3>Parameters</h3>',
      table(
        ['name', 'in', 'type', 'description'],
        parameters.map((p) => [
          `<code>${escapeHtml(text(p.name))}</code>${p.required === true ? ' (required)' : ''}`,
          escapeHtml(text(p.in)),
          escapeHtml(text(asRecord(p.schema).type)),
          escapeHtml(text(p.description)),
        ]),
      ),
    );
  if (Object.keys(requestBody).length > 0)
    parts.push(
      `<h3>Request body${requestBody.required === true ? '' : ' (optional)'}</h3>`,
      `<p>${contentTypes(requestBody.content)}</p>`,
    );
  parts.push(
    '<h3>Responses</h3>',
    table(
      ['status', 'description', 'content'],
      responses.map(([status, response]) => [
        `<code>${escapeHtml(status)}</code>`,
        escapeHtml(text(asRecord(response).description)),
        contentTypes(asRecord(response).content),
      ]),
    ),
    '</section>',
  );
  return parts.join('\n');
}

function renderSchema(name: string, schema: Record<string, unknown>): string {
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const properties = Object.entries(asRecord(schema.properties));
  return [
    `<section id="schema-${escapeHtml(name)}">`,
    `<h3>${escapeHtml(name)}</h3>`,
    properties.length === 0
      ? `<p>${escapeHtml(typeOf(schema))}</p>`
      : table(
          ['field', 'type'],
          properties.map(([field, property]) => [
            `<code>${escapeHtml(field)}</code>${required.has(field) ? '' : ' (optional)'}`,
            escapeHtml(typeOf(asRecord(property))),
          ]),
        ),
    '</section>',
  ].join('\n');
}

/** `application/json: <a>SourcePlan</a>` for each content type, linking component schemas. */
function contentTypes(content: unknown): string {
  return Object.entries(asRecord(content))
    .map(([type, media]) => {
      const schema = asRecord(asRecord(media).schema);
      const refName = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
      const what =
        refName === undefined
          ? escapeHtml(typeOf(schema))
          : `<a href="#schema-${escapeHtml(refName)}">${escapeHtml(refName)}</a>`;
      return `<code>${escapeHtml(type)}</code>: ${what}`;
    })
    .join('<br>');
}

/** A short type: `string`, `integer | null`, `array of object`, `one of: a, b`. */
function typeOf(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum))
    return `one of: ${schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  for (const key of ['anyOf', 'oneOf'])
    if (Array.isArray(schema[key]))
      return (schema[key] as unknown[]).map((s) => typeOf(asRecord(s))).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.map(String).join(' | ') : text(schema.type);
  if (type === 'array') return `array of ${typeOf(asRecord(schema.items))}`;
  return type === '' ? 'any' : type;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function anchor(method: string, path: string): string {
  return `${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
code{font:13px ui-monospace,monospace;background:#f3f3f5;padding:0 .25em;border-radius:3px}
section{border-top:1px solid #ddd;margin-top:1.5rem}
.method{font:600 13px ui-monospace,monospace;background:#1d1d1f;color:#fff;padding:.1em .4em;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
small{color:#666}nav ul{padding-left:1.2rem}`;

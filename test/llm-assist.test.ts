import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, databaseUrl, dropDatabase, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

/** Values the model must never see. */
const VALUES = ['QX-4471', 'BZ-0093', 'KL-5520', 'MM-8812', 'TR-3307'];

interface ScanJson {
  columns: {
    table: string;
    column: string;
    category: string | null;
    decision: string;
    confidence: number;
    evidence: { detector: string }[];
  }[];
}

/** A local server speaking the OpenAI chat-completions protocol; it answers with `reply` and records requests. */
function startModel(reply: () => string): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          created: 0,
          model: 'test-model',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply() } }],
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies }),
    ),
  );
}

describe('optional language-model assist for undecided columns (local OpenAI-compatible server)', () => {
  let database: string;
  beforeAll(async () => {
    database = await createDatabase('llm');
    await withClient(database, async (c) => {
      await c.query('CREATE TABLE t7 (id int PRIMARY KEY, c3 text)');
      for (const [i, v] of VALUES.entries()) await c.query('INSERT INTO t7 VALUES ($1, $2)', [i + 1, v]);
    });
  });
  afterAll(async () => {
    await dropDatabase(database);
  });

  const scan = async (env: NodeJS.ProcessEnv) => {
    const result = await runLookalike(['scan', '--source', databaseUrl(database), '--format', 'json'], env);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as ScanJson;
    return report.columns.find((c) => c.column === 'c3');
  };

  it('is off by default: the opaque column stays undecided and nothing is sent', async () => {
    const model = await startModel(() => '{"category":"USERNAME","confidence":0.9}');
    try {
      expect((await scan({}))?.decision).toBe('undecided');
      expect(model.bodies).toEqual([]);
    } finally {
      model.server.close();
    }
  });

  it('when configured, decides the column from names and value shapes — never values', async () => {
    const model = await startModel(() => '{"category":"USERNAME","confidence":0.9}');
    try {
      const c3 = await scan({ LOOKALIKE_LLM_BASE_URL: model.url, LOOKALIKE_LLM_MODEL: 'test-model' });
      expect(c3).toMatchObject({ category: 'USERNAME', decision: 'personal', confidence: 0.75 });
      expect(c3?.evidence.some((e) => e.detector === 'llm')).toBe(true);
      expect(model.bodies).toHaveLength(1); // only the undecided column was asked about
      const sent = model.bodies.join('\n');
      const request = JSON.parse(model.bodies[0] ?? '{}') as { messages: { content: string }[] };
      const question = JSON.parse(request.messages[1]?.content ?? '{}') as {
        kinds: string[];
        column: { table: string; column: string; valueShapes: { shape: string }[] };
      };
      expect(question.column).toMatchObject({ table: 'public.t7', column: 'c3' });
      expect(question.column.valueShapes.map((s) => s.shape)).toEqual(['AA-9999']);
      expect(question.kinds).toContain('USERNAME');
      for (const value of VALUES) expect(sent).not.toContain(value);
    } finally {
      model.server.close();
    }
  });

  it('ignores a malformed answer or an unknown kind: the column stays undecided', async () => {
    for (const reply of ['not json', '{"category":"SOMETHING_ELSE","confidence":0.9}']) {
      const model = await startModel(() => reply);
      try {
        expect((await scan({ LOOKALIKE_LLM_BASE_URL: model.url }))?.decision).toBe('undecided');
      } finally {
        model.server.close();
      }
    }
  });

  it('survives an unreachable endpoint, and refuses a base URL that is not http(s)', async () => {
    const c3 = await scan({
      LOOKALIKE_LLM_BASE_URL: 'http://127.0.0.1:9/v1',
      LOOKALIKE_LLM_TIMEOUT_MS: '2000',
    });
    expect(c3?.decision).toBe('undecided');
    const bad = await runLookalike(['scan', '--source', databaseUrl(database)], {
      LOOKALIKE_LLM_BASE_URL: 'ftp://x',
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('LOOKALIKE_LLM_BASE_URL');
  });
});

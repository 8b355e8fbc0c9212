import OpenAI from 'openai';
import type { LlmSettings } from '../config/index.js';
import type { ColumnAdvice, ColumnAdvisor } from '../detection/index.js';

/**
 * The column advisor over any OpenAI-compatible chat-completions endpoint. It sends one question per
 * undecided column — table and column names, type, neighbours, comment and value shapes, never values — and
 * accepts only a JSON answer naming a catalogue kind (or null). Any failure is "no advice": the column
 * stays undecided and the run stops on it, as without an advisor.
 */
export function createOpenAiAdvisor(settings: LlmSettings): ColumnAdvisor {
  const client = new OpenAI({
    baseURL: settings.baseUrl,
    // Local servers take any key; the client library insists on one.
    apiKey: settings.apiKey.byteLength === 0 ? 'none' : settings.apiKey.reveal().toString('utf8'),
    timeout: settings.timeoutMs,
    maxRetries: 1,
  });
  return async (question, kinds) => {
    try {
      const completion = await client.chat.completions.create({
        model: settings.model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: JSON.stringify({ kinds, column: question }) },
        ],
      });
      return parseAdvice(completion.choices[0]?.message.content ?? '', kinds);
    } catch {
      return null;
    }
  };
}

const SYSTEM_PROMPT = [
  'You classify database columns for a privacy tool.',
  'You get a column: its table and column names, declared type, neighbouring column names, comment, and the',
  'shapes of sampled values (A = upper-case letter, a = lower-case letter, 9 = digit; punctuation kept).',
  'Answer with a JSON object {"category": <one of the given kinds, or null if the column holds no personal',
  'data>, "confidence": <0..1>}. Nothing else.',
].join(' ');

export function parseAdvice(text: string, kinds: readonly string[]): ColumnAdvice | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { category, confidence } = parsed as { category?: unknown; confidence?: unknown };
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) return null;
  if (category === null) return { category: null, confidence };
  if (typeof category !== 'string' || !kinds.includes(category)) return null;
  return { category, confidence };
}

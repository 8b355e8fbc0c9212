/**
 * What bin/lookalike.js's shebang (`#!/usr/bin/env -S [NAME=value…] node [flags…]`) sets: its environment and
 * node flags: the bench runs the CLI with them as a user's shell does, and the image test checks that the
 * Dockerfile sets the same.
 */
export function launcherSettings(shebang: string): { env: Record<string, string>; nodeFlags: string[] } {
  const match = /^#!\/usr\/bin\/env -S (.*)$/.exec(shebang.trim());
  if (match === null) throw new Error(`bin/lookalike.js: unexpected shebang ${shebang}`);
  const words = (match[1] ?? '').split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`bin/lookalike.js: its shebang runs no node: ${shebang}`);
  const env: Record<string, string> = {};
  for (const word of words.slice(0, node)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new Error(`bin/lookalike.js: unexpected shebang word ${word}`);
    env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return { env, nodeFlags: words.slice(node + 1) };
}

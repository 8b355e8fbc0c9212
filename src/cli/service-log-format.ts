import type { LogFormat } from './stderr-logger.js';

/** The commands that run as services: their stderr is a log stream. */
const SERVICE_COMMANDS: ReadonlySet<string> = new Set(['serve', 'worker']);

/**
 * The format of everything an invocation writes to stderr, decided from the raw command line before it is
 * parsed (a usage error or a Ctrl-C can come first): `--log-format`, else LOOKALIKE_LOG_FORMAT, for serve,
 * worker and a command line naming no command; text for every other command (their stderr is for people).
 * An invalid value counts as text here; the command itself refuses it.
 */
export function serviceLogFormat(argv: readonly string[], env: NodeJS.ProcessEnv): LogFormat {
  const args = argv.slice(2);
  const command = args.find((arg) => !arg.startsWith('-'));
  if (command !== undefined && !SERVICE_COMMANDS.has(command)) return 'text';
  for (const [i, arg] of args.entries()) {
    const value =
      arg === '--log-format' ? args[i + 1] : arg.startsWith('--log-format=') ? arg.slice(13) : null;
    if (value === 'json' || value === 'text') return value;
  }
  return env.LOOKALIKE_LOG_FORMAT === 'json' ? 'json' : 'text';
}

/**
 * Streams (terminals) on which a redrawn progress line is showing and has not been ended: whatever else
 * writes a line there (a warning, the error that ends the run) first ends that one, so the two do not run
 * together and the last progress reported stays readable above it.
 */
const open = new WeakSet<object>();

/** A redrawn line is now showing on `stream`. */
export function markLineOpen(stream: object): void {
  open.add(stream);
}

/** The line showing on `stream` was overwritten or ended by its owner. */
export function markLineClosed(stream: object): void {
  open.delete(stream);
}

/** Whether a redrawn line is showing on `stream`. */
export function lineOpen(stream: object): boolean {
  return open.has(stream);
}

/** Ends a redrawn line left showing on `stream`, so that the next write starts a line of its own. */
export function endOpenLine(stream: NodeJS.WritableStream): void {
  if (open.delete(stream)) stream.write('\n');
}

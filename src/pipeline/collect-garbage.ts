import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection of this thread, at a point where a large structure has just been let go or what
 * a phase left behind would otherwise stay resident into the next one (V8 collects its old generation only
 * once it has grown, and a SharedArrayBuffer's memory returns only when its object is collected). V8 has no
 * public call for it: `--expose-gc` applies to contexts made from then on, and one is made for the call.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

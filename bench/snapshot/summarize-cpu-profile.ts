import { readFile } from 'node:fs/promises';

/**
 * Self time per function from a V8 `.cpuprofile` (node --cpu-prof): each sample's duration is the gap to
 * the next sample, attributed to the function on top of the stack. Locations are made relative to the
 * repository so the summary holds no machine paths.
 */

interface CpuProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotSpot {
  readonly name: string;
  readonly location: string;
  readonly selfMs: number;
  /** Share of all sampled time, 0..1. */
  readonly share: number;
  /** Share of the time the threads were not idle, 0..1: where the CPU-bound part goes. */
  readonly busyShare: number;
}

export interface ThreadBusy {
  /** `main` or `worker N` (node numbers threads in the profile file names). */
  readonly thread: string;
  readonly busyMs: number;
  readonly sampledMs: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Busy (not idle) sampled time per thread: the main thread and each transform worker. */
  readonly threads: readonly ThreadBusy[];
  /** Share of sampled time the threads were idle (waiting on sockets or work), 0..1. */
  readonly idleShare: number;
  readonly functions: readonly HotSpot[];
  /** The same time grouped by area: a file of ours, a package, node internals, GC. */
  readonly areas: readonly HotSpot[];
}

/**
 * Summarises one profile, or several (one per thread: node writes the main thread's and each worker's)
 * merged: self time adds up across threads, and `threads` gives each one's busy time.
 */
export async function summarizeCpuProfile(
  fileOrFiles: string | readonly string[],
  repoRoot: string,
  top = 20,
): Promise<ProfileSummary> {
  const files = typeof fileOrFiles === 'string' ? [fileOrFiles] : fileOrFiles;
  const functions = new Map<string, { name: string; location: string; us: number }>();
  const areas = new Map<string, number>();
  const threads: ThreadBusy[] = [];
  let totalUs = 0;
  let idleUs = 0;
  for (const file of files) {
    const before = { totalUs, idleUs };
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    ({ totalUs, idleUs } = addProfile(profile, repoRoot, functions, areas, totalUs, idleUs));
    const sampledUs = totalUs - before.totalUs;
    threads.push({
      thread: threadLabel(file),
      busyMs: (sampledUs - (idleUs - before.idleUs)) / 1000,
      sampledMs: sampledUs / 1000,
    });
  }
  return summaryOf(functions, areas, threads, totalUs, idleUs, top);
}

/** `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`: thread 0 is the main thread. */
function threadLabel(file: string): string {
  const thread = /\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1];
  return thread === undefined || thread === '0' ? 'main' : `worker ${thread}`;
}

function addProfile(
  profile: CpuProfile,
  repoRoot: string,
  functions: Map<string, { name: string; location: string; us: number }>,
  areas: Map<string, number>,
  totalBefore: number,
  idleBefore: number,
): { totalUs: number; idleUs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let totalUs = totalBefore;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const duration = profile.timeDeltas[i + 1] ?? 0;
    if (id === undefined) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
    totalUs += duration;
  }

  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  let idleUs = idleBefore;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    let name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    let url = frame.url;
    let line = frame.lineNumber;
    if (name === '(idle)') idleUs += us;
    // Anonymous native code (e.g. Buffer.from's UTF-8 encoder) is named after its nearest JS caller.
    if (url === '' && name === '(anonymous)') {
      const caller = nearestScriptFrame(id, byId, parentOf);
      if (caller !== undefined) {
        name = `(native) in ${caller.functionName === '' ? '(anonymous)' : caller.functionName}`;
        url = caller.url;
        line = caller.lineNumber;
      }
    }
    const path = relativeLocation(url, repoRoot);
    const location = path === '' ? '' : `${path}:${line + 1}`;
    const key = `${name}@${location}`;
    const entry = functions.get(key) ?? { name, location, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const area = areaOf(path, name);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }

  return { totalUs, idleUs };
}

function summaryOf(
  functions: ReadonlyMap<string, { name: string; location: string; us: number }>,
  areas: ReadonlyMap<string, number>,
  threads: readonly ThreadBusy[],
  totalUs: number,
  idleUs: number,
  top: number,
): ProfileSummary {
  const share = (us: number): number => (totalUs > 0 ? us / totalUs : 0);
  const busyUs = totalUs - idleUs;
  const busyShare = (us: number, name: string): number =>
    name === '(idle)' || busyUs <= 0 ? 0 : us / busyUs;
  return {
    totalMs: totalUs / 1000,
    threads,
    idleShare: share(idleUs),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({
        name: f.name,
        location: f.location,
        selfMs: f.us / 1000,
        share: share(f.us),
        busyShare: busyShare(f.us, f.name),
      })),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        location: '',
        selfMs: us / 1000,
        share: share(us),
        busyShare: busyShare(us, name),
      })),
  };
}

/** The closest ancestor frame that belongs to a script (has a URL). */
function nearestScriptFrame(
  id: number,
  byId: ReadonlyMap<number, CpuProfileNode>,
  parentOf: ReadonlyMap<number, number>,
): CpuProfileNode['callFrame'] | undefined {
  for (let parent = parentOf.get(id); parent !== undefined; parent = parentOf.get(parent)) {
    const frame = byId.get(parent)?.callFrame;
    if (frame !== undefined && frame.url !== '') return frame;
  }
  return undefined;
}

function relativeLocation(url: string, repoRoot: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  return path.startsWith(repoRoot) ? path.slice(repoRoot.length) : path;
}

/** Our file (`src/x/y.ts`), `node_modules/<package>`, node internals, native builtins, or a V8 pseudo-frame (GC, idle). */
function areaOf(path: string, name: string): string {
  if (path === '') return name.startsWith('(') ? name : 'native builtins';
  if (path.startsWith('node:')) return 'node: internals';
  const dependency = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (dependency?.[1] !== undefined) return `node_modules/${dependency[1]}`;
  return path;
}

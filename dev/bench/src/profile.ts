import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  frame: string;
  selfMs: number;
  share: number;
}

// The first sample's delta runs from the profiler's start, inside the inspector call that
// started it: time that belongs to no request.

/** The functions that used the most CPU themselves (self time) in a V8 .cpuprofile, idle aside. */
export const topFrames = (file: string, count: number): Frame[] => {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const names = new Map(
    profile.nodes.map(({ id, callFrame: { functionName, url, lineNumber } }) => {
      const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
      return [id, `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`];
    })
  );
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const name = names.get(nodeId)!;
    if (index === 0 || name.startsWith('(idle)')) return;
    const delta = profile.timeDeltas[index] ?? 0;
    selfUs.set(name, (selfUs.get(name) ?? 0) + delta);
    totalUs += delta;
  });
  return [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, share: us / totalUs }));
};

/** Where a frame's code lives: an npm package, the plugin itself, Node's own code or V8. */
const owner = (url: string, functionName: string): string => {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (inPackage) return inPackage[1];
  if (url.includes('/dist/server/')) return 'the plugin (dist/server)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url === '') return functionName.startsWith('(') ? functionName : `${functionName} (native)`;
  return url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
};

/**
 * Self time per owner (package, plugin, Node, GC) in a .cpuprofile, in ms per request over
 * `requests`; idle time is left out, so that the figures add up to CPU spent.
 */
export const byOwner = (file: string, requests: number): Map<string, number> => {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const owners = new Map(
    profile.nodes.map(({ id, callFrame }) => [id, owner(callFrame.url, callFrame.functionName)])
  );
  const selfMs = new Map<string, number>();
  profile.samples.forEach((nodeId, index) => {
    const name = owners.get(nodeId)!;
    if (index === 0 || name === '(idle)') return;
    selfMs.set(name, (selfMs.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000 / requests);
  });
  return selfMs;
};

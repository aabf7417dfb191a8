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

/** The functions that used the most CPU themselves (self time) in a V8 .cpuprofile file. */
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
    const delta = profile.timeDeltas[index] ?? 0;
    selfUs.set(name, (selfUs.get(name) ?? 0) + delta);
    totalUs += delta;
  });
  return [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, share: us / totalUs }));
};

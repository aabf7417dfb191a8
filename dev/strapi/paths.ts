import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository root, found by walking up: this module runs from its source (tests), bundled
 * into dev/demo/dist (the demo and playground CLIs) and compiled into .tmp/bench (the bench).
 */
const findRoot = (dir: string): string => {
  if (existsSync(path.join(dir, 'dev', 'playground', 'package.json'))) return dir;
  const parent = path.dirname(dir);
  if (parent === dir) throw new Error(`no repository root above ${__dirname}`);
  return findRoot(parent);
};

export const ROOT = findRoot(__dirname);
/** The Strapi app that loads the built plugin: every launcher boots this one. */
export const PLAYGROUND_DIR = path.join(ROOT, 'dev', 'playground');

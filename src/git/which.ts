import fs from 'node:fs';
import path from 'node:path';

/**
 * Whether a `git` executable is on PATH, found the way a shell would, without
 * starting a process (sharing falls back to isomorphic-git over HTTP without it).
 */
export function gitOnPath(env: NodeJS.ProcessEnv = process.env): boolean {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      try {
        fs.accessSync(path.join(dir, `git${ext}`), fs.constants.X_OK);
        return true;
      } catch {
        /* not here */
      }
    }
  }
  return false;
}

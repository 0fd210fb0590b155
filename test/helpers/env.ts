import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tmt-home-'));

/**
 * An environment that makes git deterministic and independent of the machine:
 * no system or global config, fixed dates and identity, UTC, C locale, and
 * the same shell under `script` (CI has no SHELL, so it is /bin/sh there).
 */
export const testEnv: Record<string, string> = {
  ...(Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))) as Record<string, string>),
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: path.join(home, 'gitconfig'),
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  TZ: 'UTC',
  LC_ALL: 'C',
  NO_COLOR: '1',
  SHELL: '/bin/sh',
};
fs.writeFileSync(testEnv.GIT_CONFIG_GLOBAL!, '[init]\n\tdefaultBranch = main\n[commit]\n\tgpgSign = false\n[protocol "file"]\n\tallow = always\n[safe]\n\tdirectory = *\n');

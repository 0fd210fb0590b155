import { openRepo } from '../../git/repo.js';
import { chooseRemote, readRemoteConfig } from '../../git/remote/which-remote.js';
import { setupRemote } from '../../git/remote/native/setup.js';
import type { RemoteSetupFlags } from '../commands/remote.js';
import type { Context } from '../context.js';

export type RemoteSetupOptions = RemoteSetupFlags & { cwd: string; remote: string };

export async function remoteSetupCommand(opts: RemoteSetupOptions, { out }: Context): Promise<number> {
  const repo = await openRepo({ cwd: opts.cwd });
  const remote = chooseRemote(await readRemoteConfig(repo), opts.remote, opts.cwd);
  const result = await setupRemote(repo, remote, opts.undo);
  if (opts.json) {
    out.json({ schemaVersion: 1, ...result });
    return 0;
  }
  for (const spec of result.added) out.out(`added   remote.${result.remote}.fetch ${spec}\n`);
  for (const spec of result.removed) out.out(`removed remote.${result.remote}.fetch ${spec}\n`);
  if (!result.added.length && !result.removed.length) out.out(`nothing to change: remote.${result.remote}.fetch ${opts.undo ? 'has no tmt refspecs' : 'already has them'}\n`);
  else if (!opts.undo) out.out(`git fetch ${result.remote} now downloads its runs too; tmt fetch merges them\n`);
  return 0;
}

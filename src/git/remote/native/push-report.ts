/**
 * Reads `git push --porcelain`: one line per ref, `<flag>\t<from>:<to>\t<summary>`.
 * A push that lost a race (the remote moved since we looked, or another push
 * held the ref) is worth retrying after a fetch and merge; one the remote
 * refused on purpose (a hook, a protected ref) is not.
 */
import { TmtError } from '../../../errors.js';

export interface RefResult {
  flag: string;
  to: string;
  summary: string;
}

const RACE = /fetch first|non-fast-forward|stale info|atomic push failed|atomic transaction failed|cannot lock ref|failed to lock|failed to update ref|incorrect old value|already exists|but expected/i;

export function parsePorcelain(stdout: string): RefResult[] {
  const out: RefResult[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(.)\t([^\t]*)\t(.*)$/.exec(line);
    if (!m) continue;
    const colon = m[2]!.lastIndexOf(':');
    out.push({ flag: m[1]!, to: m[2]!.slice(colon + 1), summary: m[3]! });
  }
  return out;
}

export type PushVerdict = { ok: true; updated: RefResult[] } | { ok: false; reason: string; lock?: string };

/** Said of every ref of an atomic push when another ref failed: not the cause. */
const COLLATERAL = /atomic (transaction|push) failed/i;

/** Whether the push went through, lost a race, or was refused (thrown, with the remote's words). */
export function judgePush(results: readonly RefResult[], stderr: string, remote: string): PushVerdict {
  const rejected = results.filter((r) => r.flag === '!');
  if (rejected.length === 0) return { ok: true, updated: results.filter((r) => r.flag !== '=') };
  const refused = rejected.find((r) => !RACE.test(r.summary));
  if (refused) {
    const said = stderr
      .split('\n')
      .filter((l) => /^remote: /.test(l) && l.slice(8).trim())
      .map((l) => l.slice(8).trim())
      .slice(0, 2)
      .join('; ');
    throw new TmtError('PUSH_REJECTED', `${remote} refused the push of ${refused.to}: ${refused.summary.replace(/^\[[^\]]*\]\s*/, '').replace(/^\((.*)\)$/, '$1')}${said ? ` (${said})` : ''}`, {
      hint: 'a hook or a protection rule on the remote refused it; nothing was changed there or here. Ask the remote\'s owner, or push elsewhere',
    });
  }
  // The cause: a ref that failed for its own reason, else what the remote said (an atomic push marks every ref alike).
  const cause = rejected.find((r) => !COLLATERAL.test(r.summary));
  const remoteError = /^remote: error: (.*?)\s*$/m.exec(stderr)?.[1];
  const reason = cause ? `${cause.to} ${cause.summary}` : (remoteError ?? `${rejected[0]!.to} ${rejected[0]!.summary}`);
  const lock = /Unable to create '([^']+\.lock)': File exists/.exec(stderr)?.[1];
  return lock ? { ok: false, reason, lock } : { ok: false, reason };
}

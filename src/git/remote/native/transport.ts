/**
 * A remote reached through the system git, which speaks ssh, https with the
 * user's credential helpers, local paths and file://. Only explicit refspecs
 * are used: refs/tmt/runs/* and refs/notes/tmt, never a branch or tag, and
 * nothing is written to the user's config. A push is one `git push --atomic`
 * with every refspec, so the remote takes all of it or none; the notes ref is
 * pushed with --force-with-lease on the value tmt merged with, so a notes
 * push can never drop what someone else pushed meanwhile.
 */
import path from 'node:path';
import { backoffMs, sleep } from '../../backoff.js';
import { configEnv, git, GitCommandError, type GitRunOptions } from '../../exec.js';
import { NOTES_REF, RUNS_PREFIX, runRef, TRACKING_NOTES_PREFIX, TRACKING_RUNS_PREFIX, trackingNotesRef, trackingRunsPrefix } from '../../layout.js';
import { isObjectId, isSafeRefName } from '../../ref-name.js';
import { listRefs, lockedError, removeStaleLock } from '../../refs.js';
import type { Repo } from '../../repo.js';
import { classifyRemoteFailure, missingHere } from '../errors.js';
import { judgePush, parsePorcelain } from './push-report.js';
import { redactError, redactUrls } from '../redact.js';
import type { ResolvedRemote } from '../which-remote.js';
import type { Progress, PushOutcome, PushRequest, RemoteState, Transport } from '../types.js';


/**
 * Every flag a user's config could otherwise set for these commands, given
 * explicitly, so that config changes neither what is sent or received nor
 * what local refs move: --refmap= (no configured refspecs: one like
 * +refs/notes/*:refs/notes/* would also move local refs), tags (tagOpt,
 * followTags), pruning (prune, pruneTags), submodules (recurseSubmodules,
 * submodule.recurse), FETCH_HEAD, and push signing. --no-verify: a user's
 * pre-push hook is about branches, and git-lfs's own one fails on a path
 * remote (docs/lfs-research.md §3); tmt has uploaded the runs' LFS objects
 * itself before it pushes (src/sync/push-lfs.ts).
 */
const FETCH_FLAGS = ['--refmap=', '--no-tags', '--prune', '--no-prune-tags', '--no-recurse-submodules', '--no-write-fetch-head'];
const PUSH_FLAGS = ['--atomic', '--porcelain', '--no-follow-tags', '--recurse-submodules=no', '--no-signed', '--no-force-if-includes', '--no-verify'];

/** Longer than ../../refs.ts's stale-lock age, so a lock left in tmt's tracking refs is cleared, not reported. */
const STALE_TRACKING_WAIT_MS = 7_000;

/** Command lines stay well under the kernel's limit; a push of more runs is split (each part atomic). */
const MAX_ARGS_CHARS = 512 * 1024;

export function gitTransport(repo: Repo, remote: ResolvedRemote, progress?: Progress): Transport {
  const trackingNotes = trackingNotesRef(remote.key);
  const trackingRuns = trackingRunsPrefix(remote.key);
  const loud = progress?.tty ? ['--progress'] : [];
  const talk = async (args: string[], okCodes: number[] = [], env?: Record<string, string>) => {
    const opts: GitRunOptions = { cwd: repo.workTree, okCodes, env, onStderr: progress?.tty ? meterOnly(progress) : undefined };
    try {
      return await git(args, opts);
    } catch (err) {
      if (err instanceof GitCommandError) throw classifyRemoteFailure(err.stderr, remote.label) ?? redactError(err);
      throw err;
    }
  };

  async function readTracking(): Promise<RemoteState> {
    const refs = await listRefs(repo, trackingRuns);
    const notes = (await listRefs(repo, trackingNotes)).find((r) => r.ref === trackingNotes)?.oid;
    return { runs: new Map(refs.map((r) => [r.ref.slice(trackingRuns.length), r.oid])), notes };
  }

  return {
    label: remote.label,
    trackingNotes,
    trackingRuns,
    lfs: { arg: remote.arg, label: remote.label },

    async list(): Promise<RemoteState> {
      const { stdout } = await talk(['ls-remote', '--end-of-options', remote.arg, `${RUNS_PREFIX}*`, NOTES_REF]);
      const runs = new Map<string, string>();
      let notes: string | undefined;
      const ignored: string[] = [];
      for (const line of stdout.toString('utf8').split('\n')) {
        const [oid, ref] = line.split('\t');
        if (!oid || !ref) continue;
        if (!isSafeRefName(ref) || !isObjectId(oid)) ignored.push(ref);
        else if (ref === NOTES_REF) notes = oid;
        else if (ref.startsWith(RUNS_PREFIX)) runs.set(ref.slice(RUNS_PREFIX.length), oid);
      }
      return { runs, notes, ignored };
    },

    async fetch(state, opts) {
      const specs = [...(state.notes ? [`+${NOTES_REF}:${trackingNotes}`] : []), ...(opts.runs ? [`+${RUNS_PREFIX}*:${trackingRuns}*`] : [])];
      if (specs.length) {
        // Another fetch into the same tracking refs holds their locks for a moment: wait for it,
        // long enough to tell a held lock from an abandoned one.
        const waitUntil = Date.now() + STALE_TRACKING_WAIT_MS;
        for (let attempt = 0; ; attempt++) {
          try {
            // --refmap= : only these refspecs; a configured remote.<name>.fetch (say
            // +refs/notes/*:refs/notes/*) would otherwise also move local refs.
            await talk(['fetch', ...FETCH_FLAGS, ...loud, '--end-of-options', remote.arg, ...specs]);
            break;
          } catch (err) {
            if (!(err instanceof GitCommandError && /cannot lock ref|Unable to create '.*\.lock'/.test(err.stderr))) throw err;
            const lock = trackingLock(repo, err.stderr);
            // An interrupted git (Ctrl-C between creating a lock and registering it for clean-up) can leave one behind.
            if (lock && removeStaleLock(lock)) {
              progress?.line(`tmt: removed ${lock}, left by an interrupted git in tmt's own remote-tracking refs`);
              continue;
            }
            if (attempt >= 8 && Date.now() > waitUntil) throw lock ? lockedError({ kind: 'locked', ref: lockedRef(err.stderr) ?? lock, lockFile: lock }) : err;
            await sleep(backoffMs(attempt + 4));
          }
        }
      }
      if (!state.notes) await git(['update-ref', '-d', trackingNotes], { cwd: repo.workTree });
      return readTracking();
    },

    async push(req: PushRequest): Promise<PushOutcome> {
      const runSpecs = req.runs === 'all' ? [`${RUNS_PREFIX}*:${RUNS_PREFIX}*`] : req.runs.map((id) => `${runRef(id)}:${runRef(id)}`);
      const last = [
        ...req.deletes.flatMap((d) => [`--force-with-lease=${runRef(d.id)}:${d.expect}`, `:${runRef(d.id)}`]),
        ...(req.notes ? [`--force-with-lease=${NOTES_REF}:${req.notes.expect ?? ''}`, `${req.notes.oid}:${NOTES_REF}`] : []),
      ];
      // To the URL, not the name: git then updates no local ref after the push (a
      // configured refspec like +refs/notes/*:refs/notes/* would make the pushed
      // notes the local ones). The caller sets the tracking ref itself.
      const target = [...(remote.receivePack ? [`--receive-pack=${remote.receivePack}`] : []), '--end-of-options', remote.pushUrl];
      const env = remote.proxy ? configEnv({ 'http.proxy': remote.proxy }) : undefined;
      const parts = split(runSpecs, MAX_ARGS_CHARS);
      parts[parts.length - 1]!.push(...last);
      let runsUpdated = 0;
      let runsDeleted = 0;
      let notesUpdated = false;
      for (const part of parts) {
        // Options and refspecs may interleave on git's command line only as options first.
        const leases = part.filter((a) => a.startsWith('--'));
        const specs = part.filter((a) => !a.startsWith('--'));
        if (specs.length === 0) continue;
        const { stdout, stderr, code } = await talk(['push', ...PUSH_FLAGS, ...loud, ...leases, ...target, ...specs], [1], env);
        const results = parsePorcelain(stdout.toString('utf8'));
        if (code !== 0 && (results.length === 0 || missingHere(stderr))) throw classifyRemoteFailure(stderr, remote.label) ?? redactError(new GitCommandError(['push'], { stdout, stderr, code }));
        const verdict = judgePush(results, redactUrls(stderr), remote.label);
        if (!verdict.ok) return verdict;
        for (const r of verdict.updated) {
          if (r.to === NOTES_REF) notesUpdated = true;
          else if (r.flag === '-') runsDeleted++;
          else runsUpdated++;
        }
      }
      return { ok: true, runsUpdated, runsDeleted, notesUpdated };
    },
  };
}

/** Passes on git's progress meters ("Writing objects:  40% (400/1000)"), not its per-ref lines about tracking refs. */
function meterOnly(progress: Progress): (chunk: Buffer) => void {
  return (chunk) => {
    const kept = chunk.toString('utf8').split(/(?<=[\r\n])/).filter((part) => /(objects|deltas):|^Total /.test(part.replace(/^remote: /, '')));
    if (kept.length) progress.raw(Buffer.from(kept.join('')));
  };
}

function split(items: readonly string[], maxChars: number): string[][] {
  const parts: string[][] = [[]];
  let size = 0;
  for (const item of items) {
    if (size + item.length > maxChars && parts[parts.length - 1]!.length) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1]!.push(item);
    size += item.length + 1;
  }
  return parts;
}

/** The lock file git names in `stderr`, when it guards one of tmt's remote-tracking refs (never a ref of the user's). */
function trackingLock(repo: Repo, stderr: string): string | undefined {
  const lock = /Unable to create '([^']+\.lock)': File exists/.exec(stderr)?.[1];
  if (!lock || !path.isAbsolute(lock)) return undefined;
  const rel = path.relative(repo.commonDir, lock).split(path.sep).join('/');
  return [TRACKING_RUNS_PREFIX, TRACKING_NOTES_PREFIX].some((p) => rel.startsWith(p)) && !rel.includes('..') ? lock : undefined;
}

function lockedRef(stderr: string): string | undefined {
  return /cannot lock ref '([^']+)'/.exec(stderr)?.[1];
}

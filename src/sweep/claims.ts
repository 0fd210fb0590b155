/**
 * Claims on a sweep's trials, so that two `tmt sweep` processes on one spec
 * (a second terminal, a second node on a shared filesystem) never run a trial
 * twice: each takes a trial only by creating its claim file (O_EXCL), and
 * leaves "done <run id>" there once the trial finished. A claim whose process
 * died on this host is taken over; one from another host is respected, as
 * nothing here can tell whether it still runs.
 *
 * Two processes taking over the same dead claim at the same instant could
 * both run the trial: a duplicate run, never a lost one.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sweepClaimsDir } from '../git/layout.js';
import type { Repo } from '../git/repo.js';
import { resolveRef } from '../git/refs.js';
import { runRef } from '../git/layout.js';
import { pidAlive } from '../util/pid.js';

export type Claim = { kind: 'claimed'; release(doneRun?: string): void } | { kind: 'running'; by: string } | { kind: 'done'; run: string };

/** How long an empty claim (its writer died between creating and writing it) is left alone. */
const EMPTY_GRACE_MS = 60_000;

export class TrialClaims {
  private readonly dir: string;

  constructor(
    private readonly repo: Repo,
    sweepName: string,
  ) {
    this.dir = sweepClaimsDir(repo, sweepName);
  }

  /** Claims the trial with this identity (its directory, repeat and command line), or says who has it. */
  async claim(identity: string): Promise<Claim> {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, createHash('sha1').update(identity).digest('hex'));
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, `running ${os.hostname()} ${process.pid}\n`, { flag: 'wx' });
        return { kind: 'claimed', release: (doneRun) => release(file, doneRun) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const held = read(file);
      if (held === undefined) continue; // released meanwhile
      const done = /^done ([0-9a-z]{1,64})\n?$/.exec(held.text);
      if (done) {
        // A run that was deleted since (tmt rm) no longer counts: its claim is stale.
        if (await resolveRef(this.repo, runRef(done[1]!))) return { kind: 'done', run: done[1]! };
      } else {
        const running = /^running (\S+) (\d+)\n?$/.exec(held.text);
        if (running && !(running[1] === os.hostname() && !pidAlive(Number(running[2])))) return { kind: 'running', by: `${running[1]} pid ${running[2]}` };
        if (!running && Date.now() - held.mtimeMs < EMPTY_GRACE_MS) return { kind: 'running', by: 'a process starting it' };
      }
      fs.rmSync(file, { force: true });
    }
    return { kind: 'running', by: 'another process' };
  }
}

function read(file: string): { text: string; mtimeMs: number } | undefined {
  try {
    return { text: fs.readFileSync(file, 'utf8'), mtimeMs: fs.statSync(file).mtimeMs };
  } catch {
    return undefined;
  }
}

function release(file: string, doneRun: string | undefined): void {
  if (!doneRun) return void fs.rmSync(file, { force: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `done ${doneRun}\n`);
  fs.renameSync(tmp, file);
}

// Shared helpers for tmt's benchmarks: synthetic repos, timing, medians, tables.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TMT = path.join(ROOT, 'dist/cli/bin.js');
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export const benchEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  TZ: 'UTC',
  LC_ALL: 'C',
};

export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, env: benchEnv, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `count` files of about 2 KB in a nested layout (about 30 files a directory). */
/** A repository with one commit of a tiny train.py, gc off: the base that run-catalog benches build runs on. */
export function baseRepo(prefix) {
  const dir = tempDir(prefix);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  fs.writeFileSync(path.join(dir, 'train.py'), 'print("train")\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  return { dir, head: git(dir, 'rev-parse', 'HEAD'), tree: git(dir, 'rev-parse', 'HEAD^{tree}') };
}

export function writeSyntheticFiles(dir, count, prefix = 'f') {
  const filler = 'x'.repeat(1990);
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `pkg${i % 17}`, `mod${Math.floor(i / 17) % 20}`, `part${Math.floor(i / 340) % 10}`);
    if (i < 3400) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `${prefix}${i}.py`), `# ${i}\n${filler}\n`);
  }
}

/**
 * Runs a shell command and returns wall time (ms) and peak RSS (KiB) of the
 * process tree, via GNU time when the machine has it.
 */
export function measure(cmd, cwd) {
  const args = GNU_TIME ? [GNU_TIME, '-f', '__RSS__%M', 'sh', '-c', cmd] : ['sh', '-c', cmd];
  const t0 = performance.now();
  const r = spawnSync(args[0], args.slice(1), { cwd, env: benchEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  const rss = /__RSS__(\d+)/.exec(r.stderr);
  return { ms, rssKb: rss ? Number(rss[1]) : undefined, stdout: r.stdout };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function fmtMb(kb) {
  return kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`;
}

export function table(headers, rows) {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export function saveResults(name, data) {
  const dir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

/** `--name value` from the command line, or the default. */
export function option(name, dflt) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}

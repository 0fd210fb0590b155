import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { testEnv } from './env.js';
import { tempDir } from './git.js';
import { BIN, tmt } from './tmt.js';

export interface RunSpec {
  name?: string;
  description?: string;
  /** Params, passed as a JSON --params-file so that any key works. */
  params?: Record<string, unknown>;
  tags?: string[];
  /** metrics.jsonl lines, as objects. */
  metrics?: Array<Record<string, number>>;
  /** Artifact name → content. */
  artifacts?: Record<string, string | Buffer>;
}

let emitter: string | undefined;

/** A script outside every test repo (so snapshots never include it) that writes a run's metrics and artifacts. */
function emitScript(): string {
  if (emitter) return emitter;
  emitter = path.join(tempDir('tmt-emit-'), 'emit.cjs');
  fs.writeFileSync(
    emitter,
    `const fs = require('fs'), path = require('path');
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
for (const m of spec.metrics || []) fs.appendFileSync(process.env.TMT_METRICS, JSON.stringify(m) + '\\n');
for (const [name, b64] of Object.entries(spec.artifacts || {})) {
  const file = path.join(process.env.TMT_ARTIFACTS, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from(b64, 'base64'));
}
`,
  );
  return emitter;
}

/** Records a run of the working tree in `dir` with `tmt record`; returns its id. */
export function recordRun(dir: string, spec: RunSpec = {}): string {
  const specFile = path.join(path.dirname(emitScript()), `spec-${Math.random().toString(36).slice(2)}.json`);
  const artifacts = Object.fromEntries(Object.entries(spec.artifacts ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  fs.writeFileSync(specFile, JSON.stringify({ metrics: spec.metrics ?? [], artifacts }));
  const args = ['record', '-q', '--no-pty'];
  if (spec.name !== undefined) args.push('-n', spec.name);
  if (spec.description !== undefined) args.push('-d', spec.description);
  for (const t of spec.tags ?? []) args.push('-t', t);
  if (spec.params) {
    const paramsFile = specFile.replace(/\.json$/, '.params.json');
    fs.writeFileSync(paramsFile, JSON.stringify(spec.params));
    args.push('--params-file', paramsFile);
  }
  const r = tmt(dir, [...args, '--', process.execPath, emitScript(), specFile]);
  if (r.code !== 0) throw new Error(`tmt record exited ${r.code}: ${r.stderr}`);
  const list = tmt(dir, ['list', '--json', '--limit', '1']);
  return JSON.parse(list.stdout).runs[0].id as string;
}

/** A valid PNG of `w`×`h` pixels of one colour. */
export function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())]);
  const idat = zlib.deflateSync(Buffer.concat(Array.from({ length: h }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** `{step, name: value}` lines for a smooth curve, for charts. */
export function curve(name: string, steps: number, f: (s: number) => number): Array<Record<string, number>> {
  return Array.from({ length: steps }, (_, s) => ({ step: s, [name]: f(s) }));
}

/**
 * A run left `running` by a tmt killed with kill -9, so listed as `stale`.
 * Its command (a short sleep) outlives tmt and ends on its own.
 */
export async function staleRun(dir: string, name: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'record', '-q', '--no-pty', '-n', name, '--', 'sh', '-c', 'echo ready; sleep 2'], { cwd: dir, env: testEnv });
  const closed = new Promise((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && resolve()));
  child.kill('SIGKILL');
  await closed;
}

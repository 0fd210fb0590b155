import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, makeRepo } from './helpers/git.js';
import { tmtAsync } from './helpers/tmt.js';
import { envWithTmtOnPath } from './helpers/tmt-on-path.js';

afterAll(cleanupTemp);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Python block of the README's "Getting back" section, as a reader would copy it. */
function snippet(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Getting back\n'), readme.indexOf('\n## Sharing runs\n'));
  const block = /\n```python\n([\s\S]*?)\n```\n/.exec(section);
  if (!block) throw new Error('no ```python block in the README\'s "Getting back" section');
  return block[1]!;
}

describe("README: Getting back's Python snippet", () => {
  it('loads the runs table, the newest run\'s curves and its model file with only the CLI', async () => {
    const dir = makeRepo({ 'README.md': 'research\n' });
    fs.copyFileSync(path.join(ROOT, 'examples/train.py'), path.join(dir, 'train.py'));
    for (const lr of ['0.05', '0.1']) {
      const r = await tmtAsync(dir, ['record', '-q', '--', 'python3', 'train.py', '--lr', lr, '--epochs', '4']);
      expect(r.code, r.stderr).toBe(0);
    }
    const newest = JSON.parse((await tmtAsync(dir, ['show', 'last', '--json'])).stdout).run;
    const model = JSON.parse((await tmtAsync(dir, ['get', 'last', 'model.json', '-o', '-'])).stdout);
    const printed = execFileSync('python3', ['-c', snippet()], { cwd: dir, env: envWithTmtOnPath(), encoding: 'utf8' });
    const m = /^2 runs; ([0-9a-z]{26}): loss (\d+\.\d{4}) at step 4; model \{'w': (\S+), 'b': (\S+)\}\n$/.exec(printed);
    expect(m, printed).not.toBeNull();
    expect(m![1]).toBe(newest.id);
    expect(m![2]).toBe(newest.meta.metrics.loss.last.toFixed(4));
    expect([Number(m![3]), Number(m![4])]).toEqual([model.w, model.b]);
  });
});

// What tmt ui and the comparison page say of an LFS artifact: its real size,
// whether it is here, and, for an image that is not downloaded, the command
// that gets it instead of a broken image.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, tempDir } from './helpers/git.js';
import { gitLfs, requireGitLfsInCi } from './helpers/lfs.js';
import { bareRepo, cloneOf, projectWithRemote } from './helpers/remote.js';
import { png } from './helpers/runs.js';
import { tmt, tmtAsync } from './helpers/tmt.js';
import { serveUi } from './helpers/ui-server.js';

requireGitLfsInCi();
afterAll(() => cleanupTemp());

function get(port: number, pathname: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, headers: { Host: `127.0.0.1:${port}`, Cookie: `tmt_ui_${port}=${token}` } }, (res) => {
      let body = '';
      res.on('data', (b) => (body += b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!gitLfs)('LFS artifacts in tmt ui and on the page', () => {
  it('a clone that has not downloaded an LFS image: the ui lists its size and the get command and serves no image; after tmt get it serves the bytes; the page says the same', async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    // A PNG of one colour is small: the threshold goes lower than any real one would.
    git(dir, 'config', 'tmt.lfs.threshold', '100');
    const image = png(64, 64, [200, 10, 10]);
    expect(image.length).toBeGreaterThan(100);
    const src = path.join(tempDir(), 'plot.png');
    fs.writeFileSync(src, image);
    const r = await tmtAsync(dir, ['record', '-q', '--no-pty', '-n', 'a', '--', 'sh', '-c', 'cp "$1" "$TMT_ARTIFACTS/plot.png"', 'sh', src]);
    expect(r.code, r.stderr).toBe(0);
    const id = JSON.parse(tmt(dir, ['list', '--json']).stdout).runs[0].id as string;
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);

    const clone = cloneOf(bare);
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    const ui = await serveUi(clone);
    try {
      const run = JSON.parse((await get(ui.port, `/api/run?id=${id}`, ui.token)).body);
      expect(run.artifacts).toEqual([{ path: 'plot.png', size: image.length, lfs: { oid: expect.stringMatching(/^[0-9a-f]{64}$/), here: false } }]);
      const missing = await get(ui.port, `/api/image?id=${id}&name=plot.png`, ui.token);
      expect(missing.status).toBe(404);
      expect(missing.body).toContain(`tmt get ${id.slice(0, 12)} plot.png`);

      const page = path.join(tempDir(), 'one.html');
      expect(tmt(clone, ['compare', id, '-o', page]).code).toBe(0);
      expect(fs.readFileSync(page, 'utf8')).toContain(`not downloaded here: tmt get ${id.slice(0, 12)} plot.png`);

      expect((await tmtAsync(clone, ['get', id, 'plot.png', '-o', path.join(tempDir(), 'p.png')])).code).toBe(0);
      const served = await new Promise<Buffer>((resolve) => {
        http.get({ host: '127.0.0.1', port: ui.port, path: `/api/image?id=${id}&name=plot.png`, headers: { Host: `127.0.0.1:${ui.port}`, Cookie: `tmt_ui_${ui.port}=${ui.token}` } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        });
      });
      expect(served.equals(image)).toBe(true);
      expect(JSON.parse((await get(ui.port, `/api/run?id=${id}`, ui.token)).body).artifacts[0].lfs.here).toBe(true);
    } finally {
      ui.child.kill('SIGTERM');
    }
  });
});

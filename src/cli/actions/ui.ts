import net from 'node:net';
import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { startUiServer } from '../../ui/server.js';
import type { UiFlags } from '../commands/ui.js';
import type { Context } from '../context.js';
import { openPage, shouldOpen } from '../open-page.js';
import { warn } from '../output.js';

export type UiCommandOptions = UiFlags & { cwd: string };

/** `tmt ui`: the server started, its address printed (and opened), then serving until Ctrl-C. */
export async function uiCommand(opts: UiCommandOptions, { out, term, version }: Context): Promise<number> {
  const port = /^\d{1,5}$/.test(opts.port) && Number(opts.port) <= 65535 ? Number(opts.port) : NaN;
  if (Number.isNaN(port)) throw new TmtError('BAD_ARGUMENT', `--port ${JSON.stringify(opts.port).slice(1, -1)}: not a port`, { hint: 'a number from 1 to 65535, or 0 for any free port' });
  if (!/^[A-Za-z0-9.:-]+$/.test(opts.host)) throw new TmtError('BAD_ARGUMENT', `--host ${JSON.stringify(opts.host).slice(1, -1)}: not an address or host name`, { hint: 'e.g. --host 127.0.0.1 (the default) or --host 0.0.0.0' });
  const repo = await openRepo({ cwd: opts.cwd });
  let server;
  try {
    server = await startUiServer({ repo, host: opts.host, port, tmtVersion: version });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new TmtError('LOCKED', `port ${port} is in use`, { hint: 'pick another with --port, or --port 0 for any free one' });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') throw new TmtError('BAD_ARGUMENT', `cannot listen on ${opts.host}:${port} (${code})`, { hint: 'use an address of this machine, e.g. --host 127.0.0.1' });
    throw err;
  }
  if (!isLoopback(opts.host)) {
    warn(out, `listening on ${opts.host}: other machines can reach this server; anyone with the address (it holds the token) sees every run`);
  }
  out.out(`tmt ui: ${server.url}\n`);
  if (shouldOpen({ open: !opts.noOpen, tty: term.stdout, env: term.env })) await openPage(server.url, out);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'));
}

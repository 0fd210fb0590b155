/**
 * `tmt ui`'s server: Node's own http server, reading git on each request.
 *
 * Local and read-only by design. It binds 127.0.0.1 unless told otherwise;
 * every request must carry the random token printed in the URL (then kept in
 * a cookie the browser sends only to this origin); the Host header must name
 * this server, so a web page that rebinds a DNS name to 127.0.0.1 is refused;
 * only GET and HEAD exist, and nothing served changes anything. Pages carry a
 * Content-Security-Policy that allows this server's own script and nothing
 * else, and every datum reaches the page as JSON put in with text nodes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { compareRuns } from '../compare/api.js';
import { isTmtError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { renderPage } from '../html/page.js';
import { uiImage, uiRun, uiRunsJson, uiSeries, uiStamp } from './api.js';
import { UI_CSS, uiShell } from './shell.js';

export interface UiServerOptions {
  repo: Repo;
  host: string;
  /** 0: any free port. */
  port: number;
  tmtVersion: string;
  /** Given, for tests; else random. */
  token?: string;
}

export interface UiServer {
  /** The address to open, token included. */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Per port: a browser sends 127.0.0.1's cookies to every port, and an earlier tmt ui's token must not shadow this one's. */
const cookieName = (port: number) => `tmt_ui_${port}`;
const CSP = ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');
/** At most this many runs' points in one request: a chart of more says nothing. */
const MAX_SERIES_RUNS = 50;

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const server = http.createServer((req, res) => {
    handle(opts, token, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, isTmtError(err, 'NOT_FOUND') ? 404 : isTmtError(err, 'BAD_ARGUMENT') ? 400 : 500, 'text/plain; charset=utf-8', isTmtError(err) ? `${err.message}\n` : 'internal error\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const shownHost = net.isIPv6(opts.host) ? `[${opts.host}]` : opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    host: opts.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Whether the Host header names this server: a loopback name or an address literal, or the --host given. */
export function hostAllowed(header: string | undefined, boundHost: string, port: number): boolean {
  if (!header) return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::(\d+))?$/.exec(header);
  if (!m || Number(m[2] ?? 80) !== port) return false;
  const name = m[1]!.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || net.isIP(name) !== 0 || name === boundHost.toLowerCase();
}

/** The token in the address wins (it is what the user just opened); else this server's cookie. */
function tokenOf(req: http.IncomingMessage, url: URL, port: number): string | undefined {
  const fromCookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')).find(([k]) => k === cookieName(port))?.[1];
  return url.searchParams.get('token') ?? fromCookie;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function handle(opts: UiServerOptions, token: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const port = (req.socket.localPort ?? 0);
  if (!hostAllowed(req.headers.host, opts.host, port)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden: the Host header does not name this server\n');
  const url = new URL(req.url ?? '/', 'http://ui.invalid');
  if (!sameToken(tokenOf(req, url, port), token)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden: open the address tmt ui printed (it holds the token)\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET: tmt ui changes nothing\n', { Allow: 'GET, HEAD' });
  if (url.searchParams.has('token')) {
    // Into a cookie for this origin only, and out of the address bar and history.
    url.searchParams.delete('token');
    // One leading slash whatever the request held: `/.//evil.com` normalises to `//evil.com`, which a browser reads as another host.
    res.writeHead(303, { Location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`, 'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Cache-Control': 'no-store' });
    return void res.end();
  }
  const { repo } = opts;
  switch (url.pathname) {
    case '/':
      return send(res, 200, 'text/html; charset=utf-8', uiShell(opts.tmtVersion));
    case '/app.js':
      return send(res, 200, 'text/javascript; charset=utf-8', clientScript());
    case '/app.css':
      return send(res, 200, 'text/css; charset=utf-8', UI_CSS);
    case '/api/stamp':
      return json(res, uiStamp(repo));
    case '/api/runs':
      return send(res, 200, 'application/json; charset=utf-8', await uiRunsJson(repo, url.searchParams.get('where') ?? undefined));
    case '/api/run':
      return json(res, await uiRun(repo, url.searchParams.get('id') ?? ''));
    case '/api/image': {
      const image = await uiImage(repo, url.searchParams.get('id') ?? '', url.searchParams.get('name') ?? '');
      return send(res, 200, image.type, image.bytes);
    }
    case '/api/series': {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean).slice(0, MAX_SERIES_RUNS);
      return json(res, await uiSeries(repo, ids));
    }
    case '/compare': {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean).slice(0, MAX_SERIES_RUNS);
      if (ids.length === 0) return send(res, 400, 'text/plain; charset=utf-8', 'name the runs to compare: /compare?ids=ID,ID\n');
      const c = await compareRuns({ repo, runs: ids });
      // The page brings its own policy (hashes of its inline scripts); the server's would forbid them.
      return send(res, 200, 'text/html; charset=utf-8', renderPage(c, { title: `tmt compare: ${ids.length} runs`, tmtVersion: opts.tmtVersion }).join(''), {}, false);
    }
    default:
      return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
}

let script: string | undefined;

function clientScript(): string {
  script ??= fs.readFileSync(fileURLToPath(new URL('./client.js', import.meta.url)), 'utf8');
  return script;
}

function json(res: http.ServerResponse, value: unknown): void {
  send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value));
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}, csp = true): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    ...(csp ? { 'Content-Security-Policy': CSP } : {}),
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

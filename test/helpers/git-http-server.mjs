// git's own smart-HTTP server (`git http-backend`, a CGI program) behind a
// small Node server on 127.0.0.1 and a random port. Run as its own process, so
// tests that call git and tmt synchronously cannot stall it:
//   node git-http-server.mjs ROOT [USER PASSWORD]
// It prints "listening PORT" once ready and "request" for each request served.
// With USER and PASSWORD, every request needs HTTP basic auth with them.
import { spawn } from 'node:child_process';
import http from 'node:http';

const [root, user, password] = process.argv.slice(2);
const BACKEND = '/usr/lib/git-core/git-http-backend';

const server = http.createServer((req, res) => {
  process.stdout.write('request\n');
  let remoteUser = '';
  if (user !== undefined) {
    const given = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [u, p] = given ? Buffer.from(given, 'base64').toString('utf8').split(':') : [];
    if (u !== user || p !== password) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      req.resume();
      return;
    }
    remoteUser = u;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env = {
    ...process.env,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: remoteUser,
    REMOTE_ADDR: '127.0.0.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
  };
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  const cgi = spawn(BACKEND, [], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => undefined);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (/^status$/i.test(name)) status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  cgi.on('close', () => {
    if (!headersDone) res.writeHead(500);
    res.end();
  });
});

server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

// git's own smart-HTTP server (`git http-backend`, a CGI program) behind a
// small Node server on 127.0.0.1 and a random port, plus the git LFS batch API
// (basic transfer), so the real git-lfs client can push and fetch objects.
// Run as its own process, so tests that call git and tmt synchronously cannot
// stall it:
//   node git-http-server.mjs [--stall-uploads] ROOT [USER PASSWORD]
// It prints, one per line: "listening PORT" once ready; "request" for each git
// request and "lfs-request" for each request under <repo>/info/lfs;
// "lfs-upload-started OID" when an LFS PUT begins, "lfs-stored OID" when its
// object is in place, "lfs-upload-failed OID" when it ended without one.
// With USER and PASSWORD, every request needs HTTP basic auth with them.
// With --stall-uploads, every LFS PUT reads about half its body, prints
// "lfs-upload-stalled OID" and then reads nothing more and never answers: the
// client is stuck mid-transfer, for a test to kill it there.
//
// LFS objects are stored where git-lfs itself puts them for a file:// remote,
// <bare repo>/lfs/objects/<oid[0:2]>/<oid[2:4]>/<oid>, so a test checks a
// remote's store the same way for path and HTTP remotes.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const args = process.argv.slice(2);
const stallUploads = args[0] === '--stall-uploads';
if (stallUploads) args.shift();
const [root, user, password] = args;
const BACKEND = '/usr/lib/git-core/git-http-backend';
const LFS_JSON = 'application/vnd.git-lfs+json';

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  // git-lfs derives its endpoint as <git url>[.git]/info/lfs.
  const lfs = /^(\/.+?)\/info\/lfs(\/.*)?$/.exec(url.pathname);
  process.stdout.write(lfs ? 'lfs-request\n' : 'request\n');
  let remoteUser = '';
  if (user !== undefined) {
    const given = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [u, p] = given ? Buffer.from(given, 'base64').toString('utf8').split(':') : [];
    if (u !== user || p !== password) {
      req.resume();
      res.setHeader('WWW-Authenticate', 'Basic realm="git"');
      if (lfs) return send(res, 401, { message: 'authentication required' });
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    remoteUser = u;
  }
  if (!lfs) return gitBackend(req, res, url, remoteUser);
  serveLfs(req, res, lfs[1], lfs[2] ?? '').catch((e) => {
    if (res.headersSent) res.destroy();
    else send(res, 500, { message: String(e?.message ?? e) });
  });
});

function gitBackend(req, res, url, remoteUser) {
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
}

/** `prefix` is the URL path of the repository as requested (still %-encoded), `rest` what follows /info/lfs. */
async function serveLfs(req, res, prefix, rest) {
  const repo = findRepo(prefix);
  if (!repo) {
    req.resume();
    return send(res, 404, { message: 'Repository not found' });
  }
  // The client talked to this host:port; hrefs on another would not get its credentials.
  const objects = `http://${req.headers.host}${prefix}/info/lfs/objects`;
  const oid = /^\/objects\/([^/]+)$/.exec(rest)?.[1];
  if (req.method === 'POST' && rest === '/objects/batch') return batch(req, res, repo, objects);
  if (req.method === 'POST' && rest === '/objects/verify') return verify(req, res, repo);
  if (oid !== undefined && oid !== 'batch' && oid !== 'verify' && (req.method === 'PUT' || req.method === 'GET')) {
    if (!validOid(oid)) {
      req.resume();
      return send(res, 422, { message: 'Invalid object id' });
    }
    return req.method === 'PUT' ? upload(req, res, repo, oid) : download(res, repo, oid);
  }
  req.resume();
  // No locking API (the pre-push hook asks for it; a 404 makes git-lfs skip locking).
  send(res, 404, { message: rest.startsWith('/locks') ? 'Locking is not supported' : 'Not found' });
}

/** The bare repository for a URL path, with or without the .git that git-lfs appends. */
function findRepo(prefix) {
  let rel;
  try {
    rel = decodeURIComponent(prefix).replace(/^\/+/, '');
  } catch {
    return undefined;
  }
  const top = path.resolve(root);
  for (const name of rel.endsWith('.git') ? [rel, rel.slice(0, -4)] : [rel, `${rel}.git`]) {
    const dir = path.resolve(top, name);
    if (!dir.startsWith(top + path.sep)) return undefined;
    if (fs.existsSync(path.join(dir, 'HEAD')) && fs.existsSync(path.join(dir, 'objects'))) return dir;
  }
  return undefined;
}

async function batch(req, res, repo, objects) {
  const body = await readJson(req);
  if (!['upload', 'download'].includes(body?.operation) || !Array.isArray(body.objects)) {
    return send(res, 422, { message: 'Invalid batch request' });
  }
  if (body.hash_algo !== undefined && body.hash_algo !== 'sha256') return send(res, 409, { message: 'Only sha256 is supported' });
  const answers = body.objects.map((o) => {
    const { oid, size } = o ?? {};
    if (!validOid(oid) || !Number.isSafeInteger(size) || size < 0) {
      return { oid, size, error: { code: 422, message: 'Invalid object id or size' } };
    }
    const have = storedSize(repo, oid);
    if (body.operation === 'upload') {
      // Already stored: no actions, so the client skips it.
      if (have === size) return { oid, size };
      return {
        oid,
        size,
        actions: { upload: { href: `${objects}/${oid}`, expires_in: 3600 }, verify: { href: `${objects}/verify`, expires_in: 3600 } },
      };
    }
    if (have === undefined) return { oid, size, error: { code: 404, message: 'Object does not exist' } };
    if (have !== size) return { oid, size, error: { code: 422, message: `Object has ${have} bytes, not ${size}` } };
    return { oid, size, actions: { download: { href: `${objects}/${oid}`, expires_in: 3600 } } };
  });
  send(res, 200, { transfer: 'basic', hash_algo: 'sha256', objects: answers });
}

async function verify(req, res, repo) {
  const { oid, size } = (await readJson(req)) ?? {};
  if (!validOid(oid)) return send(res, 422, { message: 'Invalid object id' });
  if (storedSize(repo, oid) !== size) return send(res, 404, { message: 'Object does not exist' });
  send(res, 200, {});
}

/**
 * Streams the body into a temp file in <repo>/lfs/tmp while hashing it, with
 * backpressure (pipeline), and renames it into place only when its sha256 is
 * the oid and its length the Content-Length. A client gone mid-upload leaves
 * no object: at most the temp file, whose name is never an oid.
 */
async function upload(req, res, repo, oid) {
  process.stdout.write(`lfs-upload-started ${oid}\n`);
  const tmpDir = path.join(repo, 'lfs', 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `upload-${oid}-${randomBytes(4).toString('hex')}`);
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  const hash = createHash('sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const stages = stallUploads ? [stall(oid, Math.max(1, Math.floor((declared ?? 2 << 20) / 2)))] : [];
  try {
    await pipeline(req, ...stages, hashing, fs.createWriteStream(tmp, { flags: 'wx', mode: 0o644 }));
  } catch {
    fs.rmSync(tmp, { force: true });
    process.stdout.write(`lfs-upload-failed ${oid}\n`);
    return res.destroy();
  }
  if (hash.digest('hex') !== oid || (declared !== undefined && size !== declared)) {
    fs.rmSync(tmp, { force: true });
    process.stdout.write(`lfs-upload-failed ${oid}\n`);
    return send(res, 422, { message: 'Content does not match the object id' });
  }
  const dest = objectPath(repo, oid);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.renameSync(tmp, dest);
  process.stdout.write(`lfs-stored ${oid}\n`);
  res.writeHead(200);
  res.end();
}

/** Passes on the first `limit` bytes, then holds the next chunk forever: the request stops being read. */
function stall(oid, limit) {
  let seen = 0;
  return new Transform({
    transform(chunk, _enc, done) {
      seen += chunk.length;
      if (seen < limit) return done(null, chunk);
      process.stdout.write(`lfs-upload-stalled ${oid}\n`);
    },
  });
}

async function download(res, repo, oid) {
  const size = storedSize(repo, oid);
  if (size === undefined) return send(res, 404, { message: 'Object does not exist' });
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
  await pipeline(fs.createReadStream(objectPath(repo, oid)), res);
}

function validOid(oid) {
  return typeof oid === 'string' && /^[0-9a-f]{64}$/.test(oid);
}

function objectPath(repo, oid) {
  return path.join(repo, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid);
}

function storedSize(repo, oid) {
  const st = fs.statSync(objectPath(repo, oid), { throwIfNoEntry: false });
  return st?.isFile() ? st.size : undefined;
}

/** The JSON body of a batch or verify request (small: bounded at 1 MiB), or undefined when it is not JSON. */
async function readJson(req) {
  const chunks = [];
  let length = 0;
  for await (const chunk of req) {
    length += chunk.length;
    if (length <= 1 << 20) chunks.push(chunk);
  }
  if (length > 1 << 20) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': LFS_JSON });
  res.end(JSON.stringify(body));
}

server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

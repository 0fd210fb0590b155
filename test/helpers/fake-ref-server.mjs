// A hostile smart-HTTP server: it advertises whatever refs it is given (the
// names unchecked, as a malicious host could) and serves no objects.
//   node fake-ref-server.mjs '[["<oid>", "<refname>"], ...]'
// It prints "listening PORT" once ready and "request" for each request.
import http from 'node:http';

const refs = JSON.parse(process.argv[2] ?? '[]');
const pkt = (s) => {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0')), b]);
};
const caps = 'multi_ack thin-pack side-band side-band-64k ofs-delta shallow no-progress include-tag';

const server = http.createServer((req, res) => {
  process.stdout.write('request\n');
  req.resume();
  if (req.method === 'GET' && /\/info\/refs\?service=git-upload-pack$/.test(req.url ?? '')) {
    res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-advertisement', 'Cache-Control': 'no-cache' });
    const lines = refs.length ? refs.map(([oid, ref], i) => pkt(`${oid} ${ref}${i === 0 ? `\0${caps}` : ''}\n`)) : [pkt(`${'0'.repeat(40)} capabilities^{}\0${caps}\n`)];
    res.end(Buffer.concat([pkt('# service=git-upload-pack\n'), Buffer.from('0000'), ...lines, Buffer.from('0000')]));
    return;
  }
  res.writeHead(500, { 'Content-Type': 'text/plain' });
  res.end('no objects here\n');
});

server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

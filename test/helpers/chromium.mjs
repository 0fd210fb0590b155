// Which Chromium the browser tests (and the HTML benchmarks) drive, in this order:
//   1. $CHROMIUM, when set (it must then exist: no silent fallback);
//   2. /usr/bin/chromium (Debian's package), when present;
//   3. the headless Chromium shipped inside the devDependency @sparticuz/chromium,
//      so that `npm ci && npm test` passes on a machine with only Node and git.
//
// The package keeps its files brotli-compressed (bin/chromium.br and three
// .tar.br archives). Its own executablePath() inflates them to fixed paths in
// /tmp and takes an existing /tmp/chromium as done, so a second process can
// start a half-written binary; it also only wires its bundled NSS libraries
// and fonts on AWS. So this module inflates the files itself: into a staging
// directory, renamed into place when complete (a directory rename is atomic),
// under node_modules/.cache, keyed by the package's version. Two vitest
// workers starting at once both extract; the first rename wins and the other
// drops its copy. Nothing is downloaded.
//
// The binary needs only glibc >= 2.25 plus NSS, NSPR and expat, which the
// package ships (al2023.tar.br, built for Amazon Linux 2023): they go on
// LD_LIBRARY_PATH. Its three Open Sans fonts are added to the system's
// fontconfig setup, so text has glyphs on a machine without any fonts.
// The package's `args` are for AWS Lambda (--single-process, --no-zygote, and
// --disable-web-security with --allow-running-insecure-content, which would
// defeat the XSS and CSP tests): none is needed here, so every Chromium gets
// the same CHROMIUM_ARGS.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const PACKAGE = '@sparticuz/chromium';

/** Flags for every Chromium we launch: as root it needs --no-sandbox; no GPU; no calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** @type {Promise<import('./chromium.d.mts').ChromiumBinary> | undefined} */
let found;

/**
 * The Chromium to launch: its path, the environment to start it with, and where
 * it came from (for messages). Inflates the packaged one on first use.
 * @returns {Promise<import('./chromium.d.mts').ChromiumBinary>}
 */
export function findChromium() {
  found ??= find();
  found.catch(() => {
    found = undefined;
  });
  return found;
}

async function find() {
  const fromEnv = process.env.CHROMIUM;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`CHROMIUM=${fromEnv}: no executable file there`);
    return { executablePath: fromEnv, env: environment(), source: '$CHROMIUM' };
  }
  if (isExecutable(SYSTEM_CHROMIUM)) {
    return { executablePath: SYSTEM_CHROMIUM, env: environment(), source: SYSTEM_CHROMIUM };
  }
  const pkgDir = packageDir();
  if (!pkgDir) {
    throw new Error(
      `No Chromium for the browser tests: $CHROMIUM is not set, ${SYSTEM_CHROMIUM} does not exist, ` +
        `and the devDependency ${PACKAGE} is not installed (run \`npm ci\`; or apt-get install -y chromium; ` +
        `or point CHROMIUM at a Chromium binary)`,
    );
  }
  const dir = await inflated(pkgDir);
  const lib = path.join(dir, 'lib');
  return {
    executablePath: path.join(dir, 'chromium'),
    env: environment({
      LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ? `${lib}:${process.env.LD_LIBRARY_PATH}` : lib,
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
    }),
    source: `${PACKAGE} (${dir})`,
  };
}

/** This process's environment (defined values only), with `extra` on top. */
function environment(extra = {}) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return Object.assign(env, extra);
}

/** The installed package's root (its compressed files are in bin/), or undefined. */
function packageDir() {
  let dir;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve(PACKAGE));
  } catch {
    return undefined;
  }
  // Its entry point lies somewhere under build/, depending on the version: walk up to its package.json.
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === PACKAGE) return dir;
    } catch {
      // no package.json here, or a partial one (build/cjs has one): keep going
    }
  }
  return undefined;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The directory holding the inflated package (chromium, lib/, fonts/, fonts.conf), made once per version. */
async function inflated(pkgDir) {
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  // <node_modules>/.cache, beside the package: private to this checkout, and `npm ci` starts it afresh.
  const cache = path.resolve(pkgDir, '..', '..', '.cache', 'tmt-chromium');
  const dir = path.join(cache, `${version}-${process.arch}`);
  if (fs.existsSync(path.join(dir, 'chromium'))) return dir;
  const bin = path.join(pkgDir, 'bin');
  try {
    fs.mkdirSync(cache, { recursive: true });
    const staging = fs.mkdtempSync(path.join(cache, `.${version}-${process.pid}-`));
    fs.chmodSync(staging, 0o755);
    try {
      await inflate(path.join(bin, 'chromium.br'), path.join(staging, 'chromium'));
      fs.chmodSync(path.join(staging, 'chromium'), 0o755);
      await untar(path.join(bin, 'al2023.tar.br'), staging); // lib/: NSS, NSPR, expat
      await untar(path.join(bin, 'swiftshader.tar.br'), staging); // GL in software, beside the binary where Chromium looks
      fs.mkdirSync(path.join(staging, 'fonts'));
      await untar(path.join(bin, 'fonts.tar.br'), path.join(staging, 'fonts'));
      fs.writeFileSync(
        path.join(staging, 'fonts.conf'),
        [
          '<?xml version="1.0"?>',
          '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
          '<fontconfig>',
          '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
          `  <dir>${xml(path.join(dir, 'fonts', 'fonts'))}</dir>`,
          `  <cachedir>${xml(path.join(dir, 'fonts-cache'))}</cachedir>`,
          '</fontconfig>',
          '',
        ].join('\n'),
      );
      try {
        fs.renameSync(staging, dir);
      } catch (e) {
        // Another process got there first with a complete copy: use it.
        if (!fs.existsSync(path.join(dir, 'chromium'))) throw e;
      }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  } catch (e) {
    throw new Error(`Could not inflate ${PACKAGE}'s Chromium from ${bin} into ${dir}: ${e instanceof Error ? e.message : e}`);
  }
  return dir;
}

function xml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function inflate(from, to) {
  await pipeline(fs.createReadStream(from), zlib.createBrotliDecompress(), fs.createWriteStream(to));
}

/**
 * Unpacks a brotli-compressed tar archive with the system's tar (GNU tar or
 * bsdtar alike), from a file: piped, tar may stop reading at the archive's
 * end while the zero padding is still being written, and the pipe breaks.
 */
async function untar(from, into) {
  const tarball = path.join(into, `.${path.basename(from, '.br')}`);
  await inflate(from, tarball);
  try {
    await new Promise((resolve, reject) => {
      execFile('tar', ['-x', '--no-same-owner', '-f', tarball, '-C', into], (e, _out, stderr) =>
        e ? reject(new Error(`tar -x ${from}: ${stderr.trim() || e.message}`)) : resolve(undefined),
      );
    });
  } finally {
    fs.rmSync(tarball, { force: true });
  }
}

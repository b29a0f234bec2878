#!/usr/bin/env node
// Static file server for the mtasts page. Zero dependencies, Node 20.
//
//   node tools/serve.mjs <dir> [port]
//
// port: argument, else $PORT, else 8080 (0 picks a free port). Binds 127.0.0.1 unless $HOST is set.
// Sends the page's Content-Security-Policy on HTML, never Cross-Origin-Embedder-Policy: COEP breaks the
// no-cors fetches the checker relies on (see /work/shared/toolchain.md, note 13).
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  // The checker's own requests: the DoH resolver and the policy host (any https origin), and a relay
  // the user runs on this machine.
  "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  // Trusted Types: the DOM XSS sinks (innerHTML, document.write, script.src, eval, a javascript: URL, an on*
  // attribute set from script...) refuse plain strings, and 'none' lets no policy make the typed values they
  // would take, so no sink can be used at all: the page and the widget put every string into the DOM as text.
  // Enforced by Chromium-based browsers (83+), Safari 26+ and Firefox 148+; older browsers ignore the two
  // directives and the page works the same. web/index.html and web/widget.html carry the same two in their
  // <meta> CSP, for hosts that send no header.
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const COMMON = {
  // The widget's files (mtasts-widget.js, its modules and the .wasm) are loaded
  // by pages on other origins: module scripts and fetch() need CORS for that.
  // Everything here is public and sent without credentials.
  'Access-Control-Allow-Origin': '*',
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const HTML = { 'Content-Security-Policy': CSP };

function usage(message) {
  process.stderr.write(`${message}\nusage: node tools/serve.mjs <dir> [port]\n`);
  process.exit(2);
}

const [dirArg, portArg] = process.argv.slice(2);
if (!dirArg) usage('serve: missing <dir>');
const port = Number(portArg ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`serve: bad port ${portArg ?? process.env.PORT}`);
const host = process.env.HOST || '127.0.0.1';

let root;
try {
  root = await realpath(path.resolve(dirArg));
  if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
} catch (err) {
  usage(`serve: cannot serve ${dirArg}: ${err.message}`);
}

/** Maps a request path to a file inside root, or null (which becomes a 404). */
async function resolveFile(urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel.split('/').some((part) => part === '..')) return null;
  let file = path.join(root, rel);
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      file = path.join(file, 'index.html');
      info = await stat(file);
    }
    if (!info.isFile()) return null;
    // Refuse symlinks that lead out of root.
    const real = await realpath(file);
    if (real !== root && !real.startsWith(root + path.sep)) return null;
    return { file: real, info };
  } catch {
    return null;
  }
}

function send(res, status, headers, body) {
  res.writeHead(status, { ...COMMON, ...headers });
  res.end(body);
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, 'method not allowed\n');
    return;
  }
  const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0];
  const found = urlPath.startsWith('/') ? await resolveFile(urlPath) : null;
  if (!found) {
    send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'not found\n');
    return;
  }
  const { file, info } = found;
  const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = {
    'Content-Type': type,
    ETag: etag,
    ...(type.startsWith('text/html') ? HTML : {}),
  };
  if (req.headers['if-none-match'] === etag) {
    send(res, 304, headers);
    return;
  }
  res.writeHead(200, { ...COMMON, ...headers, 'Content-Length': info.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
});

server.on('error', (err) => {
  process.stderr.write(`serve: ${err.message}\n`);
  process.exit(1);
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  process.stdout.write(`serving ${dirArg} at http://localhost:${actual}/\n`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

#!/usr/bin/env node
// @ts-check
// Runs the policy relay (relay.mjs) as a plain Node HTTP server.
//
//   node tools/relay/server.mjs [port] [host]     (default 8787 on 127.0.0.1)
//
// Then set the page's relay to http://127.0.0.1:8787/?url={url} (or your
// deployment's https URL). Node's fetch does the upstream GET, so the
// upstream certificate is checked against Node's CA store.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { handle } from './relay.mjs';

/**
 * An http.Server whose requests go to `handler` (default: the relay).
 * @param {(request: Request) => Promise<Response>} [handler]
 */
export function relayServer(handler = (request) => handle(request)) {
  return createServer(async (req, res) => {
    try {
      const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) =>
          v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]),
      });
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      res.writeHead(500, {
        'content-type': 'text/plain', 'access-control-allow-origin': '*', 'x-relay-error': 'internal',
        'access-control-expose-headers': 'X-Relay-Error',
      });
      res.end(`relay failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.argv[2] ?? 8787);
  const host = process.argv[3] ?? '127.0.0.1';
  relayServer().listen(port, host, () => {
    console.log(`mtasts relay on http://${host}:${port}/?url={url}`);
  });
}

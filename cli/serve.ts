// `gorun serve`: the playground (dist/web/, built by cli/build.mjs) on
// loopback only, for a browser on this machine. A static server: GET and
// HEAD of the page's files, nothing else.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { UsageError } from './errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** Where the page is: dist/web beside the bundle that runs this. */
export function webRoot(distDir: string): string {
  const root = join(distDir, 'web');
  if (!existsSync(join(root, 'index.html'))) throw new UsageError(`the playground is not built (no ${join(root, 'index.html')}): run npm run build`);
  return root;
}

export function portOption(v: string | undefined): number {
  if (v === undefined) return 8080;
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--port ${JSON.stringify(v)}: want a port number from 0 to 65535`);
  return Number(v);
}

/** Serve root on 127.0.0.1:port; resolves with the server once it listens, or a UsageError (port taken). */
export function serve(root: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { allow: 'GET, HEAD' }).end(); return; }
    let path: string;
    try { path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname); } catch { res.writeHead(400).end(); return; }
    const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new UsageError(e.code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is taken: choose another with --port N`
        : e.code === 'EACCES' ? `port ${port} needs privileges: choose one above 1023 with --port N` : `cannot serve on port ${port}: ${e.message}`));
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

// A static server for the built site, with the strict Content-Security-Policy
// the theme must work under. Usage: node serve.mjs DIR PORT
// Like nginx's brotli_static/gzip_static (docs/deploy.md), it sends FILE.br or
// FILE.gz when the site was built with --compress and the browser accepts
// them, and the cache headers docs/deploy.md gives.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

export const CSP = "default-src 'self'; img-src 'self' data:";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".xml": "application/xml", ".ics": "text/calendar; charset=utf-8", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
  ".avif": "image/avif", ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".zip": "application/zip",
  ".gpx": "application/gpx+xml", ".webmanifest": "application/manifest+json",
};

/// Serves `dir`; `{ csp: false }` leaves the policy out (to test the foreign-request check alone);
/// `{ frames: [origins] }` adds the video players a site allows in frames.
export function serve(dir, port, { csp = true, frames = [] } = {}) {
  const root = resolve(dir);
  const directive = frames.length ? `${CSP}; frame-src ${frames.join(" ")}` : CSP;
  const policy = csp ? { "Content-Security-Policy": directive } : {};
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(path)).isDirectory()) path = join(path, "index.html");
      const accepts = String(req.headers["accept-encoding"] || "");
      let body = null;
      let encoding = null;
      for (const [enc, ext] of [["br", ".br"], ["gzip", ".gz"]]) {
        if (body || !new RegExp(`\\b${enc}\\b`).test(accepts)) continue;
        body = await readFile(path + ext).catch(() => null);
        if (body) encoding = enc;
      }
      if (!body) body = await readFile(path);
      const rel = path.slice(root.length);
      const named = /^\/style\.[0-9a-f]{16}\.css$/.test(rel) || /^\/processed_images\/.+\.(webp|jpe?g|png|avif)$/.test(rel);
      const headers = {
        "Content-Type": TYPES[extname(path)] || "application/octet-stream",
        "Cache-Control": named ? "public, max-age=31536000, immutable" : "no-cache",
        ...policy,
      };
      if (encoding) Object.assign(headers, { "Content-Encoding": encoding, "Vary": "Accept-Encoding" });
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      const body = await readFile(join(root, "404.html")).catch(() => Buffer.from("not found"));
      res.writeHead(404, { "Content-Type": "text/html; charset=utf-8", ...policy });
      res.end(body);
    }
  });
  return new Promise((ok) => server.listen(port, "127.0.0.1", () => ok(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, port] = process.argv.slice(2);
  await serve(dir, Number(port));
  console.log(`serving ${dir} on http://127.0.0.1:${port}`);
}

// A static server for the built site, with the strict Content-Security-Policy
// the theme must work under. Usage: node serve.mjs DIR PORT
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

export const CSP = "default-src 'self'; img-src 'self' data:";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".xml": "application/xml", ".ics": "text/calendar; charset=utf-8", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
  ".avif": "image/avif", ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".zip": "application/zip",
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
      const body = await readFile(path);
      res.writeHead(200, { "Content-Type": TYPES[extname(path)] || "application/octet-stream", ...policy });
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

// The browser harness: headless Debian Chromium driven by playwright-core.
// It serves the built site with the strict CSP, loads pages, and records every
// request to another host and every CSP violation. Later tests (lightbox,
// live reload, community walls) reuse `withBrowser` and `watchPage`.
//
// Usage: node browser.mjs DIR PORT   (checks every page of the site)
import { chromium } from "playwright-core";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { serve } from "./serve.mjs";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export async function withBrowser(fn) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  try { return await fn(browser); } finally { await browser.close(); }
}

/// Opens a page that records foreign requests and CSP violations.
export async function watchPage(context, origin) {
  const page = await context.newPage();
  const problems = [];
  // Requests to any other host are recorded and aborted before they leave the
  // machine: the test proves the page asked for nothing else, without sending anything.
  await page.route((url) => url.protocol !== "data:" && url.origin !== origin, (route) => {
    problems.push(`request to another host: ${route.request().url()}`);
    return route.abort();
  });
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems };
}

async function htmlPages(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith(".html")) continue;
    const file = join(e.parentPath ?? e.path, e.name);
    // Redirect pages only send the browser to another page of the site, checked on its own.
    if ((await readFile(file, "utf8")).includes('http-equiv="refresh"')) continue;
    out.push("/" + relative(dir, file));
  }
  return out.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, port] = process.argv.slice(2);
  const origin = `http://127.0.0.1:${port}`;
  const server = await serve(dir, Number(port), { csp: !process.env.BLASON_NO_CSP });
  const pages = await htmlPages(dir);
  // A few pages at a time: each load spends most of its time waiting (the
  // load event, the scroll's lazy images), which the others fill.
  const workers = Number(process.env.BROWSER_WORKERS || 3);
  const found = new Map();
  await withBrowser(async (browser) => {
    const context = await browser.newContext();
    let next = 0;
    const worker = async () => {
      while (next < pages.length) {
        const path = pages[next++];
        const { page, problems } = await watchPage(context, origin);
        if (process.env.VERBOSE) console.log(path);
        const res = await page.goto(origin + path, { waitUntil: "load" });
        // Scroll so lazy images load too.
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await page.waitForTimeout(50);
        if (!res || (res.status() !== 200 && !path.endsWith("404.html"))) problems.push(`status ${res && res.status()}`);
        if (problems.length) found.set(path, problems);
        await page.close();
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  });
  // Reported in the pages' order, whichever worker found them.
  for (const path of pages) {
    if (found.has(path)) console.log(`FAIL ${path}\n  ${found.get(path).join("\n  ")}`);
  }
  const failures = found.size;
  server.close();
  console.log(`browser: ${pages.length} pages, ${pages.length - failures} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

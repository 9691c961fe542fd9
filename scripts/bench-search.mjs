// The browser half of scripts/bench-search: queries in headless Chromium on
// a built corpus that also holds a Pagefind bundle (in /pagefind_bench/).
//
//   node scripts/bench-search.mjs queries OUT PORT QUERIES.json
//       per query, blason's results page (under the theme's strict CSP) and
//       Pagefind (without the CSP: its WebAssembly needs 'wasm-unsafe-eval'):
//       time from the query to the first result shown (blason) or to the
//       first ten results' data (Pagefind, what its UI shows), bytes and
//       files fetched, first result.
//   node scripts/bench-search.mjs known OUT PORT ITEMS.json
//       Pagefind's known-item rate: ITEMS is [{q, path}]; found when path is
//       among the first 3 results.
//
// Bytes are counted as served (blason's files as written, Pagefind's as it
// writes them, gzip-compressed) and, for blason, also gzip-compressed, as a
// server or CDN that compresses JSON and JavaScript would send them.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const judges = join(repo, "tests/judges");
const require = createRequire(join(judges, "package.json"));
const { chromium } = require("playwright-core");
const { serve } = await import(join(judges, "serve.mjs"));

const [mode, out, port, listFile] = process.argv.slice(2);
const list = JSON.parse(readFileSync(listFile, "utf8"));
const origin = `http://127.0.0.1:${port}`;
const strict = await serve(out, Number(port));
const open = await serve(out, Number(port) + 1, { csp: false });
const openOrigin = `http://127.0.0.1:${Number(port) + 1}`;

const fileOf = (url) => join(out, decodeURIComponent(new URL(url).pathname));
const gz = (url) => {
  try { return gzipSync(readFileSync(fileOf(url)), { level: 6 }).length; } catch { return 0; }
};

// Responses as the network saw them (a worker's requests included, which
// the page's resource timing leaves out), by URL pattern.
function recordResponses(page) {
  const seen = [];
  page.on("response", (r) => seen.push(r.body().then((b) => ({ url: r.url(), bytes: b.length }), () => null)));
  return async (pattern) => (await Promise.all(seen)).filter((x) => x && new RegExp(pattern).test(x.url));
}

async function blason(browser, q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const responses = recordResponses(page);
  await page.goto(origin + "/recherche/", { waitUntil: "load" });
  const t0 = Date.now();
  await page.locator("#search-q").fill(q);
  await page.locator("#search-q").press("Enter");
  // Done when the first result is shown, or the count says there is none.
  await page.waitForFunction(() => document.querySelector("ol.search-results li")
    || /^(0|Aucun|No)/.test(document.querySelector("#search-status").textContent), null, { timeout: 20000 });
  const ms = Date.now() - t0;
  const link = page.locator("ol.search-results .search-title a").first();
  const first = (await link.count()) ? new URL(await link.getAttribute("href")).pathname : null;
  await page.waitForTimeout(200);
  const reqs = await responses("/search-index/|/search\\.js");
  await context.close();
  return {
    ms, first, files: reqs.length,
    bytes: reqs.reduce((s, r) => s + r.bytes, 0),
    gzip: reqs.reduce((s, r) => s + gz(r.url), 0),
  };
}

async function pagefindPage(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const responses = recordResponses(page);
  await page.goto(openOrigin + "/recherche/", { waitUntil: "load" });
  await page.evaluate(async () => {
    window.pf = await import("/pagefind_bench/pagefind.js");
  });
  return { context, page, responses };
}

async function pagefind(browser, q) {
  const { context, page, responses } = await pagefindPage(browser);
  const r = await page.evaluate(async (query) => {
    const t0 = performance.now();
    const found = await window.pf.search(query);
    const data = await Promise.all(found.results.slice(0, 10).map((x) => x.data()));
    return { ms: performance.now() - t0, first: data.length ? data[0].url : null };
  }, q);
  const reqs = await responses("/pagefind_bench/");
  await context.close();
  return {
    ms: Math.round(r.ms), first: r.first ? new URL(r.first, openOrigin).pathname : null,
    files: reqs.length, bytes: reqs.reduce((s, x) => s + x.bytes, 0),
  };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  if (mode === "queries") {
    const rows = [];
    for (const q of list) {
      rows.push({ q, blason: await blason(browser, q), pagefind: await pagefind(browser, q) });
    }
    console.log(JSON.stringify(rows));
  } else if (mode === "known") {
    const { context, page } = await pagefindPage(browser);
    const found = await page.evaluate(async (items) => {
      let hits = 0;
      for (const it of items) {
        const r = await window.pf.search(it.q);
        const data = await Promise.all(r.results.slice(0, 3).map((x) => x.data()));
        if (data.some((d) => new URL(d.url, location.href).pathname === it.path)) hits++;
      }
      return hits;
    }, list);
    await context.close();
    console.log(JSON.stringify({ hits: found, total: list.length }));
  }
} finally {
  await browser.close();
  strict.close();
  open.close();
}

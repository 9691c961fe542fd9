// `blason serve` in headless Chromium: a page follows the edits of its
// markdown without a manual reload, shows a broken front matter in an
// overlay and recovers when it is fixed, and takes a new stylesheet without
// reloading. Usage: node live.mjs BLASON_BINARY FIXTURE_DIR PORT
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withBrowser } from "./browser.mjs";

const [binary, fixture, port] = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), "blason-live-"));
const site = join(work, "site");
cpSync(fixture, site, { recursive: true });
mkdirSync(join(site, "static"), { recursive: true });
const origin = `http://127.0.0.1:${port}`;

const server = spawn(binary, ["serve", site, "-p", port], { env: { ...process.env, SOURCE_DATE_EPOCH: "1782864000" } });
let log = "";
await new Promise((ok, fail) => {
  const timer = setTimeout(() => fail(new Error(`serve did not start:\n${log}`)), 60000);
  server.stderr.on("data", (d) => {
    log += d;
    if (log.includes("serving ")) { clearTimeout(timer); ok(); }
  });
  server.on("exit", (code) => fail(new Error(`serve exited with ${code}:\n${log}`)));
});

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAIL"} ${what}`);
  if (!ok) failures++;
};
const page_md = join(site, "content/tourisme/lac.md");
const original = readFileSync(page_md, "utf8");

try {
  await withBrowser(async (browser) => {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/tourisme/lac/`, { waitUntil: "load" });
    const h1 = page.locator("h1");
    check((await h1.innerText()) === "Le lac", "the page is served");
    // The event stream must be open before the first save.
    await page.waitForFunction(() => window.blasonLive && window.blasonLive.events.readyState === 1, null, { timeout: 5000 });

    writeFileSync(page_md, original.replace('title = "Le lac"', 'title = "Le lac gelé"'));
    const seen = await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Le lac gelé", null, { timeout: 10000 }).then(() => true, () => false);
    check(seen, "a saved title shows without a manual reload");

    await page.waitForFunction(() => window.blasonLive && window.blasonLive.events.readyState === 1, null, { timeout: 5000 });
    writeFileSync(page_md, original.replace('title = "Le lac"', 'title = "Le lac'));
    const overlay = page.locator(".blason-overlay");
    const shown = await overlay.waitFor({ timeout: 10000 }).then(() => true, () => false);
    check(shown, "a broken front matter shows the overlay");
    const text = shown ? await overlay.innerText() : "";
    check(/content\/tourisme\/lac\.md:2:\d+/.test(text), `the overlay names the file, line and column: ${text.split("\n")[1] || text}`);
    check(text.includes("a échoué"), "the overlay speaks the site's language (French)");
    check((await h1.innerText()) === "Le lac gelé", "the last good page stays under it");

    writeFileSync(page_md, original);
    const gone = await page.waitForFunction(() => !document.querySelector(".blason-overlay") && document.querySelector("h1")?.textContent === "Le lac", null, { timeout: 10000 }).then(() => true, () => false);
    check(gone, "fixing the file removes the overlay and shows the page");

    await page.waitForFunction(() => window.blasonLive && window.blasonLive.events.readyState === 1, null, { timeout: 5000 });
    await page.evaluate(() => { window.notReloaded = true; });
    const theme = readFileSync(new URL("../../themes/postale/static/style.css", import.meta.url), "utf8");
    writeFileSync(join(site, "static/style.css"), `${theme}\nbody { background-color: rgb(1, 2, 3); }\n`);
    const styled = await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(1, 2, 3)", null, { timeout: 10000 }).then(() => true, () => false);
    check(styled, "a saved stylesheet applies");
    check(await page.evaluate(() => window.notReloaded === true), "without reloading the page");
    check(errors.length === 0, `no script error ${errors.join("; ")}`);
  });
} finally {
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
console.log(`live: ${failures ? 0 : 1} passed, ${failures ? 1 : 0} failed`);
process.exit(failures ? 1 : 0);

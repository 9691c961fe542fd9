// A share kit page in headless Chromium under the strict policy: no CSP
// violation and no request to another host; everything it fetches weighs
// under 400 KB; each copy button puts its network's text on the clipboard,
// says so, and the live region announces it (docs/share.md).
// Usage: node kit.mjs DIR PORT KIT_PAGE...
import { serve } from "./serve.mjs";
import { withBrowser, watchPage } from "./browser.mjs";

const [dir, port, ...kits] = process.argv.slice(2);
const origin = `http://127.0.0.1:${port}`;
const server = await serve(dir, Number(port));
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAIL"} ${what}`);
  if (!ok) failures++;
};

await withBrowser(async (browser) => {
  for (const path of kits) {
    // A context of its own: nothing cached from the page before.
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
    const { page, problems } = await watchPage(context, origin);
    await page.goto(origin + path, { waitUntil: "load" });
    // Lazy previews: scrolled into view, so they are counted too.
    for (let y = 0; y < (await page.evaluate(() => document.body.scrollHeight)); y += 300) {
      await page.evaluate((y) => window.scrollTo(0, y), y);
      await page.waitForTimeout(50);
    }
    await page.waitForLoadState("networkidle");
    const images = await page.evaluate(() => [...document.images].filter((i) => !i.complete).length);
    check(images === 0, `${path}: every image loaded`);
    // What the browser fetched, by its own count (the server does not compress).
    const bytes = await page.evaluate(() =>
      [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
        .reduce((n, e) => n + e.encodedBodySize, 0));
    check(bytes > 100 * 1024 && bytes < 400 * 1024, `${path}: the page and all it fetched weigh ${bytes} bytes`);
    const buttons = page.locator("button[data-copy]");
    const n = await buttons.count();
    check(n === 9, `${path}: ${n} copy buttons shown`);
    for (let i = 0; i < n; i++) {
      const b = buttons.nth(i);
      check(await b.isVisible(), `${path}: copy button ${i} is visible`);
      const id = await b.getAttribute("data-copy");
      const label = await b.textContent();
      await b.click();
      await page.waitForFunction(
        (el) => document.getElementById("kit-status").textContent === el.dataset.announce,
        await b.elementHandle(),
      );
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      const text = await page.locator(`#${id}`).inputValue();
      check(clip === text && text.length > 0, `${path}: ${id} copied as shown`);
      const announced = await page.locator("#kit-status").textContent();
      check(announced.length > 0 && (await b.textContent()) !== label,
        `${path}: ${id}: "${await b.textContent()}" shown, "${announced}" announced`);
    }
    const live = await page.locator("#kit-status").getAttribute("aria-live");
    check(live === "polite", `${path}: the status is a polite live region`);
    // The tracking address is one line of text, whole, however it wraps.
    const url = await page.locator("code.kit-url").textContent();
    check(/utm_medium=print/.test(url) && !/[\u00ad-]\s*$/.test(url), `${path}: the address shown whole`);
    check(problems.length === 0, `${path}: no CSP violation or foreign request ${problems.join("; ")}`);
    await context.close();
  }
});
server.close();
console.log(`kit pages: ${failures ? `${failures} failed` : "all passed"}`);
process.exit(failures ? 1 : 0);

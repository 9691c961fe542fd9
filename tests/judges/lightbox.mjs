// The gallery lightbox with the keyboard, in headless Chromium, under the strict CSP,
// on a phone-sized screen: open a photo with Enter, move with the right arrow, close
// with Escape, and find the focus back on the thumbnail of the photo last shown. A
// polite live region says which photo is shown ("Photo 2 sur 5 : caption"), and the
// lightbox is opaque and covers the whole screen: nothing of the page shows through.
// Usage: node lightbox.mjs DIR PORT PAGE_PATH
import { serve } from "./serve.mjs";
import { watchPage, withBrowser } from "./browser.mjs";

const [dir, port, path] = process.argv.slice(2);
const origin = `http://127.0.0.1:${port}`;
const server = await serve(dir, Number(port));
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAIL"} ${what}`);
  if (!ok) failures++;
};
await withBrowser(async (browser) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const { page, problems } = await watchPage(context, origin);
  await page.goto(origin + path, { waitUntil: "load" });
  const links = page.locator("a.gallery-link");
  check((await links.count()) >= 2, "the page has a gallery of at least two photos");
  const src = (i) => links.nth(i).getAttribute("data-src");
  await links.nth(0).focus();
  await page.keyboard.press("Enter");
  const dialog = page.locator("dialog.lightbox[open]");
  await dialog.waitFor({ state: "visible", timeout: 3000 });
  check(true, "Enter on a thumbnail opens the lightbox");
  check((await dialog.locator("img").getAttribute("src")) === (await src(0)), "it shows that photo");
  check(await page.evaluate(() => document.activeElement?.closest("dialog") !== null), "the focus moved into the dialog");
  // What the live region says, once its words are in (it is filled a moment after each move).
  const total = await links.count();
  const expected = async (i) => {
    const a = links.nth(i);
    const caption = (await a.getAttribute("data-caption")) || (await a.locator("img").getAttribute("alt"));
    const words = await page.locator("[data-gallery]").first().getAttribute(caption ? "data-label-position-caption" : "data-label-position");
    return words.replace("{n}", i + 1).replace("{total}", total).replace("{caption}", caption);
  };
  const said = async (text) => {
    await page.waitForFunction((t) => document.querySelector("dialog.lightbox .lb-status")?.textContent === t, text, { timeout: 3000 }).catch(() => {});
    return dialog.locator(".lb-status").textContent();
  };
  const live = await dialog.locator(".lb-status").evaluate((e) => [e.getAttribute("aria-live"), e.getAttribute("aria-atomic")].join(" "));
  check(live === "polite true", `the photo's position is in a polite live region (${live})`);
  const first = await expected(0);
  check(/^Photo 1 sur \d+ : ./.test(first), `the gallery gives the words in French: "${first}"`);
  check((await said(first)) === first, `opening says "${first}"`);
  // Opaque, and over the whole screen: every corner and the middle are the dialog's.
  const cover = await page.evaluate(() => {
    const d = document.querySelector("dialog.lightbox[open]");
    const bg = getComputedStyle(d).backgroundColor;
    const alpha = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); const p = m ? m[1].split(/[ ,/]+/).filter(Boolean) : []; return p.length > 3 ? Number(p[3]) : 1; };
    const [w, h] = [innerWidth, innerHeight];
    const out = [[1, 1], [w - 2, 1], [1, h - 2], [w - 2, h - 2], [w / 2, h / 2]]
      .filter(([x, y]) => !d.contains(document.elementFromPoint(x, y)))
      .map(([x, y]) => `${Math.round(x)},${Math.round(y)}`);
    return { bg, alpha: alpha(bg), backdrop: alpha(getComputedStyle(d, "::backdrop").backgroundColor), out };
  });
  check(cover.alpha === 1 && cover.backdrop === 1, `the lightbox is opaque on a phone (${cover.bg})`);
  check(cover.out.length === 0, `it covers the whole screen (points outside it: ${cover.out.join(" ")})`);
  await page.keyboard.press("ArrowRight");
  check((await dialog.locator("img").getAttribute("src")) === (await src(1)), "the right arrow shows the next photo");
  const second = await expected(1);
  check((await said(second)) === second, `moving says "${second}"`);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement?.closest("dialog") !== null), "Tab keeps the focus inside the dialog");
  await page.keyboard.press("Escape");
  await page.locator("dialog.lightbox[open]").waitFor({ state: "detached", timeout: 3000 }).catch(() => {});
  check((await page.locator("dialog.lightbox[open]").count()) === 0, "Escape closes it");
  // The browser itself puts the focus back on the thumbnail that opened the
  // dialog; the close event, which moves it to the photo last shown, comes in
  // a later task: wait for that one (waiting for any thumbnail raced).
  await page
    .waitForFunction(() => document.activeElement === document.querySelectorAll("a.gallery-link")[1], null, { timeout: 10000 })
    .catch(() => {});
  check(await page.evaluate(() => document.activeElement === document.querySelectorAll("a.gallery-link")[1]), "the focus is back on the thumbnail of the photo last shown");
  // Without JavaScript, a thumbnail is a link to the photo's own page.
  const href = await links.nth(0).getAttribute("href");
  const res = await page.goto(href);
  check(res.status() === 200 && (await page.locator("figure.photo-figure img").count()) === 1, "the thumbnail's link is the photo's own page");
  check(problems.length === 0, `no CSP violation and no request to another host ${problems.join("; ")}`);
});
server.close();
console.log(`lightbox: ${failures ? 0 : 1} passed, ${failures ? 1 : 0} failed`);
process.exit(failures ? 1 : 0);

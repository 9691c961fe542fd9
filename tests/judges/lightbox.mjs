// The gallery lightbox with the keyboard, in headless Chromium, under the strict CSP:
// open a photo with Enter, move with the right arrow, close with Escape, and find
// the focus back on the thumbnail of the photo last shown.
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
  const context = await browser.newContext();
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
  await page.keyboard.press("ArrowRight");
  check((await dialog.locator("img").getAttribute("src")) === (await src(1)), "the right arrow shows the next photo");
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

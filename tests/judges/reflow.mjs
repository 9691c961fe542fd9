// Phones and keyboards (RGAA 10.11 and 10.7): on a 390-pixel-wide screen
// with the text at 200 %, no page scrolls sideways, menu closed or open;
// and every element the keyboard reaches shows a focus ring that stands out
// at 3:1 or more from what is behind it (one of its rings: the theme draws
// two, in the text and background colours); and no drawing's label is cut
// by the drawing's edge.
//
// Usage: node reflow.mjs DIR PORT PATH...   (served with the strict CSP)
import { withBrowser, watchPage } from "./browser.mjs";
import { serve } from "./serve.mjs";

const [dir, port, ...paths] = process.argv.slice(2);
const origin = `http://127.0.0.1:${port}`;
const server = await serve(dir, Number(port), { csp: true });
const failures = [];

/// Whether the page scrolls sideways, as the browser measures it.
const overflow = (page) => page.evaluate(() => {
  const el = document.documentElement;
  if (el.scrollWidth <= el.clientWidth) return null;
  // Name the widest culprits, to say what to fix.
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > el.clientWidth + 1)
    .filter((e) => !e.closest(".posts-carousel, .visually-hidden, pre"))
    .slice(0, 3)
    .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
  return `scrolls sideways: ${el.scrollWidth} px for ${el.clientWidth} (${wide.join(", ")})`;
});

/// What the focused element's rings look like against what is behind it.
const focusRing = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgba = (s) => {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
  // The colour behind the ring: the first ancestor with an opaque
  // background; an ancestor showing a photo is dark (the theme darkens photos under text).
  let bg = { r: 255, g: 255, b: 255, a: 1 };
  for (let e = el.parentElement; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    const c = rgba(cs.backgroundColor);
    if (c && c.a > 0.5) { bg = c; break; }
  }
  const cs = getComputedStyle(el);
  const rings = [];
  if (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) rings.push(rgba(cs.outlineColor));
  for (const m of cs.boxShadow.matchAll(/rgba?\([^)]+\)/g)) rings.push(rgba(m[0]));
  const best = Math.max(0, ...rings.filter(Boolean).map((c) => contrast(c, bg)));
  const name = `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").join(".") : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`;
  return { best, name, bg: `rgb(${bg.r}, ${bg.g}, ${bg.b})` };
});

await withBrowser(async (browser) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  for (const path of paths) {
    const { page, problems } = await watchPage(context, origin);
    await page.goto(origin + path, { waitUntil: "load" });
    // No label of a drawing (an elevation profile's axes) is cut by the
    // drawing's edge: "1 500 m" must not read "500 m".
    const cut = await page.evaluate(() => [...document.querySelectorAll("svg text")]
      .filter((t) => {
        const box = t.getBoundingClientRect();
        const svg = t.ownerSVGElement.getBoundingClientRect();
        return box.width > 0 && (box.left < svg.left - 0.5 || box.right > svg.right + 0.5);
      })
      .map((t) => `"${t.textContent}"`));
    if (cut.length) problems.push(`labels cut by their drawing's edge: ${cut.join(", ")}`);
    // Text at 200 %: the root font size doubled, as a reader's browser setting does.
    await page.evaluate(() => { document.documentElement.style.fontSize = "200%"; });
    await page.waitForTimeout(50);
    const closed = await overflow(page);
    if (closed) problems.push(`menu closed: ${closed}`);
    const button = page.locator("summary.menu-button");
    if (await button.count()) {
      await button.click();
      const open = await overflow(page);
      if (open) problems.push(`menu open: ${open}`);
      await button.click();
    }
    // Back to 100 %, then every stop of the keyboard, menu open.
    await page.evaluate(() => { document.documentElement.style.fontSize = ""; });
    if (await button.count()) await button.click();
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    const seen = new Set();
    for (let i = 0; i < 300; i++) {
      await page.keyboard.press("Tab");
      const ring = await focusRing(page);
      if (!ring) break;
      if (ring.best < 3 && !seen.has(ring.name)) {
        seen.add(ring.name);
        problems.push(`focus ring at ${ring.best.toFixed(2)}:1 on ${ring.bg}: ${ring.name}`);
      }
    }
    if (problems.length) failures.push(`FAIL ${path}\n  ${problems.join("\n  ")}`);
    await page.close();
  }
});
server.close();
for (const f of failures) console.log(f);
console.log(`reflow and focus: ${paths.length} pages, ${paths.length - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);

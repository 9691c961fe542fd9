// Phones and keyboards (RGAA 10.11 and 10.7): on a 390-pixel-wide screen
// with the text at 200 %, no page scrolls sideways, menu closed or open;
// and every element the keyboard reaches shows a focus ring that stands out
// at 3:1 or more from what is actually behind it, measured in the pixels of
// the screen (a colour, a gradient or a photo; the theme draws two rings, in
// the text and background colours, so that one stands out on any ground);
// and no drawing's label is cut by the drawing's edge.
//
// Usage: node reflow.mjs DIR PORT PATH...   (served with the strict CSP)
import { withBrowser, watchPage } from "./browser.mjs";
import { serve } from "./serve.mjs";
import { inflateSync } from "node:zlib";

const [dir, port, ...paths] = process.argv.slice(2);
const origin = `http://127.0.0.1:${port}`;
const server = await serve(dir, Number(port), { csp: true });
const failures = [];
let measured = 0;

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

/// A PNG as RGBA pixels (what Chromium's screenshots are: 8 bits, RGB or
/// RGBA, not interlaced).
function decodePng(buf) {
  let pos = 8, width = 0, height = 0, type = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const name = buf.toString("latin1", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (name === "IHDR") {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4); type = data[9];
      if (data[8] !== 8 || data[12] !== 0 || (type !== 2 && type !== 6)) throw new Error("unexpected PNG format");
    } else if (name === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const bpp = type === 6 ? 4 : 3, stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const add = f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : f === 4 ? (pa <= pb && pa <= pc ? a : pb <= pc ? b : c) : 0;
      line[i] = (line[i] + add) & 255;
    }
    for (let x = 0; x < width; x++) {
      out.set([line[x * bpp], line[x * bpp + 1], line[x * bpp + 2], bpp === 4 ? line[x * bpp + 3] : 255], (y * width + x) * 4);
    }
    prev = line;
  }
  return { width, height, data: out };
}

const lum = (r, g, b) => {
  const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const ratio = (x, y) => (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
const hex = (d, i) => "#" + [d[i], d[i + 1], d[i + 2]].map((v) => v.toString(16).padStart(2, "0")).join("");

/// The focused element, its box and how far its rings reach out of it.
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle === "none" ? 0 : parseFloat(cs.outlineWidth) + Math.max(0, parseFloat(cs.outlineOffset) || 0);
  // A box-shadow's reach: its offsets, blur and spread (numbers after the colour).
  let shadow = 0;
  for (const part of cs.boxShadow === "none" ? [] : cs.boxShadow.split(/,(?![^(]*\))/)) {
    const n = part.replace(/rgba?\([^)]*\)/, "").trim().split(/\s+/).map(parseFloat).filter((v) => !Number.isNaN(v));
    shadow = Math.max(shadow, Math.abs(n[0] || 0) + Math.abs(n[1] || 0) + (n[2] || 0) + (n[3] || 0));
  }
  const r = el.getBoundingClientRect();
  const name = `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""} "${(el.textContent || el.getAttribute("aria-label") || el.getAttribute("value") || "").trim().replace(/\s+/g, " ").slice(0, 30)}"`;
  return { name, x: r.left, y: r.top, w: r.width, h: r.height, reach: Math.ceil(Math.max(outline, shadow)) + 2, vw: innerWidth, vh: innerHeight };
});

/// The focus ring as drawn, against what is actually behind it (a colour,
/// a gradient, a photo): the element's surroundings are taken twice, focused
/// and not, and every pixel the focus changed is measured against the same
/// pixel unfocused. The ring passes when the pixels that changed at 3:1 or
/// more add up to at least a 1-pixel line all around the element.
async function focusContrast(page) {
  const box = await focused(page);
  if (!box) return null;
  const x0 = Math.max(0, Math.floor(box.x - box.reach)), y0 = Math.max(0, Math.floor(box.y - box.reach));
  const x1 = Math.min(box.vw, Math.ceil(box.x + box.w + box.reach)), y1 = Math.min(box.vh, Math.ceil(box.y + box.h + box.reach));
  if (x1 - x0 < 1 || y1 - y0 < 1) return { ...box, skipped: "outside the screen" };
  const clip = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  const shot = async () => decodePng(await page.screenshot({ clip, animations: "disabled", caret: "hide" }));
  const on = await shot();
  // Unfocused, then focused again: the next Tab goes on from this element.
  await page.evaluate(() => { window.__blasonFocus = document.activeElement; document.activeElement.blur(); });
  const off = await shot();
  await page.evaluate(() => window.__blasonFocus.focus());
  let strong = 0, changed = 0, best = 0, bestAt = -1;
  for (let i = 0; i < on.data.length; i += 4) {
    const a = on.data, b = off.data;
    if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) < 12) continue;
    changed++;
    const c = ratio(lum(a[i], a[i + 1], a[i + 2]), lum(b[i], b[i + 1], b[i + 2]));
    if (c >= 3) strong++;
    if (c > best) { best = c; bestAt = i; }
  }
  // The element's perimeter on the screen: the length a 1-pixel ring covers.
  const w = Math.min(box.x + box.w, box.vw) - Math.max(box.x, 0), h = Math.min(box.y + box.h, box.vh) - Math.max(box.y, 0);
  const needed = Math.max(8, Math.round(2 * (Math.max(w, 1) + Math.max(h, 1))));
  return {
    ...box, strong, changed, needed, best,
    ring: bestAt >= 0 ? hex(on.data, bestAt) : "none", behind: bestAt >= 0 ? hex(off.data, bestAt) : "none",
  };
}

// Two pages at a time, each in its own context (its own focus and
// keyboard): a page spends much of its time waiting for the next frame.
const workers = Number(process.env.REFLOW_WORKERS || 2);
const found = new Map();
await withBrowser(async (browser) => {
  let next = 0;
  const worker = async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    while (next < paths.length) {
      const path = paths[next++];
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
      let stops = 0;
      for (let i = 0; i < 300; i++) {
        await page.keyboard.press("Tab");
        // Once the focus has left the open menu, fold it, as a reader going
        // on with the page would have (menu.mjs tabs on with it open).
        const folded = await page.evaluate(() => {
          const menu = document.querySelector("details.menu[open]");
          if (!menu || !document.activeElement || menu.contains(document.activeElement)) return false;
          menu.open = false;
          document.activeElement.scrollIntoView({ block: "nearest" });
          return true;
        });
        // The page moves up as the menu folds (and lazy images arrive): measure once it has settled.
        if (folded) await page.waitForTimeout(300);
        const ring = await focusContrast(page);
        if (!ring) break;
        stops++;
        if (ring.skipped || ring.strong >= ring.needed || seen.has(ring.name)) continue;
        seen.add(ring.name);
        problems.push(ring.changed === 0
          ? `no focus ring at all: ${ring.name}`
          : `focus ring under 3:1 against what is behind it: ${ring.strong} px at 3:1 or more, ${ring.needed} needed (best ${ring.best.toFixed(2)}:1, ${ring.ring} on ${ring.behind}): ${ring.name}`);
      }
      if (stops === 0) problems.push("the keyboard reaches nothing");
      measured += stops;
      if (problems.length) found.set(path, `FAIL ${path}\n  ${problems.join("\n  ")}`);
      await page.close();
    }
    await context.close();
  };
  await Promise.all(Array.from({ length: workers }, worker));
});
// In the order of the paths given, whichever page finished first.
for (const path of paths) if (found.has(path)) failures.push(found.get(path));
server.close();
for (const f of failures) console.log(f);
console.log(`focus rings measured on the screen: ${measured} keyboard stops`);
console.log(`reflow and focus: ${paths.length} pages, ${paths.length - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);

// The phone menu with the keyboard (RGAA 12.8 focus order, WCAG 2.4.11
// focus not obscured): on a 390-pixel-wide screen, with the menu opened
// from its button, Tab lands on the menu's first link, and every element
// the keyboard reaches after it, in the menu and then in the page below
// it, is on the screen and not covered (the element found at the centre
// of its box is itself or inside it): an open menu must not lie over
// links the focus goes to. At 100 % and at 200 % text.
//
// Usage: node menu.mjs DIR PORT PATH...   (served with the strict CSP)
import { withBrowser, watchPage } from "./browser.mjs";
import { serve } from "./serve.mjs";

const [dir, port, ...paths] = process.argv.slice(2);
const origin = `http://127.0.0.1:${port}`;
const server = await serve(dir, Number(port), { csp: true });
const failures = [];
// Keyboard stops after the menu's own, enough to go well past the header.
const AFTER_MENU = 15;

/// The focused element: its name, whether it is in the open menu, and what
/// covers its centre (null when nothing does).
const focusState = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const label = (e) => `${e.tagName.toLowerCase()}${typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : ""}`;
  const name = `${label(el)} "${(el.textContent || el.getAttribute("aria-label") || el.getAttribute("placeholder") || "").trim().replace(/\s+/g, " ").slice(0, 30)}"`;
  const menu = document.querySelector("details.menu");
  const inMenu = !!menu && menu.contains(el);
  const first = menu && menu.querySelector(".menu-panel a, .menu-panel input, .menu-panel button");
  if (r.width < 1 || r.height < 1) return { name, inMenu, first: el === first, problem: "has no size" };
  // Each box of the element (a link's lines) by the part of it on the
  // screen: a carousel's card may stick out of it.
  const boxes = [...el.getClientRects()]
    .map((b) => ({ x0: Math.max(b.left, 0), x1: Math.min(b.right, innerWidth), y0: Math.max(b.top, 0), y1: Math.min(b.bottom, innerHeight) }))
    .filter((b) => b.x1 - b.x0 >= 1 && b.y1 - b.y0 >= 1);
  if (!boxes.length) return { name, inMenu, first: el === first, problem: "is off the screen" };
  // What is drawn at the centre of each box: the element, something inside
  // it, or an element it sits in (the centre fell between its lines) leave
  // it visible; anything else is drawn over it.
  const hits = boxes.map((b) => document.elementFromPoint((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2));
  const over = hits.find((hit) => hit && !el.contains(hit) && !hit.contains(el));
  const hit = over || hits.find((h) => h);
  const covered = !!over && !hits.some((h) => h && el.contains(h));
  return {
    name, inMenu, first: el === first,
    problem: !hit ? "is not drawn at its centre" : covered ? `is covered by ${label(hit)}${hit.closest(".menu-panel") ? " of the open menu" : ""}` : null,
  };
});

await withBrowser(async (browser) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  for (const path of paths) {
    for (const size of ["100%", "200%"]) {
      const { page, problems } = await watchPage(context, origin);
      await page.goto(origin + path, { waitUntil: "load" });
      await page.evaluate((s) => { document.documentElement.style.fontSize = s; }, size);
      const button = page.locator("summary.menu-button");
      if (!(await button.count()) || !(await button.isVisible())) {
        problems.push("no menu button on a phone");
      } else {
        await button.focus();
        await page.keyboard.press("Enter");
        if (!(await page.evaluate(() => document.querySelector("details.menu").open))) problems.push("Enter on the button does not open the menu");
        let after = 0;
        for (let i = 0; i < 200 && after < AFTER_MENU; i++) {
          await page.keyboard.press("Tab");
          const f = await focusState(page);
          if (!f) break;
          if (i === 0 && !f.first) problems.push(`Tab from the button goes to ${f.name}, not to the menu's first link`);
          if (!f.inMenu) after++;
          if (f.problem) problems.push(`${f.inMenu ? "in the menu" : "after the menu"}, ${f.name} ${f.problem}`);
        }
        if (!(await page.evaluate(() => document.querySelector("details.menu").open))) problems.push("the menu closed while tabbing");
      }
      if (problems.length) failures.push(`FAIL ${path} (text at ${size})\n  ${problems.join("\n  ")}`);
      await page.close();
    }
  }
});
server.close();
for (const f of failures) console.log(f);
console.log(`phone menu and keyboard: ${paths.length * 2} pages, ${paths.length * 2 - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);

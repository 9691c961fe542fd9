// Search in headless Chromium, under the strict CSP: a query typed in the
// header field leads to the results page, which shows results found by the
// theme's script (accents, a typo, the word being typed), marks the words
// in the excerpts, announces the count, filters by pillar and by a place's
// commune and accessibility (the filters of places shown only when a result
// has a value), and is used with the keyboard (arrow keys, Escape, a filter
// reached with Tab and changed with an arrow). Without JavaScript, the field leads to
// the site map. No CSP violation, no request to another host.
// Usage: node search.mjs DIR PORT
import { serve } from "./serve.mjs";
import { watchPage, withBrowser } from "./browser.mjs";

const [dir, port] = process.argv.slice(2);
const origin = `http://127.0.0.1:${port}`;
const server = await serve(dir, Number(port));
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAIL"} ${what}`);
  if (!ok) failures++;
};
const firstResult = (page) => page.locator("ol.search-results .search-title a").first();

await withBrowser(async (browser) => {
  const context = await browser.newContext();
  const { page, problems } = await watchPage(context, origin);
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));

  await page.goto(origin + "/", { waitUntil: "load" });
  await page.locator("#header-q").fill("fromagerie");
  await page.locator("#header-q").press("Enter");
  await page.waitForURL(/\/recherche\/\?q=fromagerie/, { timeout: 5000 });
  check(true, "the header field leads to the results page");
  await firstResult(page).waitFor({ timeout: 5000 });
  check((await firstResult(page).getAttribute("href")).endsWith("/tourisme/fromageries/"), "the page asked for comes first");
  const status = await page.locator("#search-status").textContent();
  check(/\d+ résultats? pour « fromagerie »/.test(status), `the count is announced: ${status}`);
  check((await page.locator("#search-status").getAttribute("aria-live")) === "polite", "in a live region");
  check((await page.locator("ol.search-results mark").count()) > 0, "the words found are marked");

  const input = page.locator("#search-q");
  await input.fill("");
  await input.pressSequentially("chappelle romane", { delay: 20 });
  await page.waitForFunction(() => {
    const a = document.querySelector("ol.search-results .search-title a");
    return a && a.getAttribute("href").endsWith("/culture/chapelle-saint-aubin/");
  }, null, { timeout: 5000 }).then(() => check(true, "results follow the typing, a typo forgiven"))
    .catch(() => check(false, "results follow the typing, a typo forgiven"));

  await input.fill("");
  await input.pressSequentially("gorge", { delay: 20 });
  await page.waitForFunction(() => {
    const a = document.querySelector("ol.search-results .search-title a");
    return a && a.getAttribute("href").endsWith("/tourisme/gorges-de-la-doye/");
  }, null, { timeout: 5000 }).then(() => check(true, "the word being typed is a beginning"))
    .catch(() => check(false, "the word being typed is a beginning"));
  check((await page.locator("ol.search-results img").count()) > 0, "a page with a cover shows its thumbnail");

  // Keyboard: down from the field to the results, Escape back to the field, Escape again clears it.
  await input.focus();
  await page.keyboard.press("ArrowDown");
  check(await page.evaluate(() => document.activeElement?.matches("ol.search-results .search-title a")), "ArrowDown moves to the first result");
  await page.keyboard.press("Escape");
  check(await page.evaluate(() => document.activeElement?.id === "search-q"), "Escape brings the focus back to the field");
  await page.keyboard.press("Escape");
  check((await input.inputValue()) === "" && (await page.locator("ol.search-results li").count()) === 0, "Escape in the field clears the search");

  // Filters: the pillar filter keeps only its pages.
  await page.goto(origin + "/recherche/?q=lac", { waitUntil: "load" });
  await firstResult(page).waitFor({ timeout: 5000 });
  const all = await page.locator("ol.search-results li").count();
  const filters = page.locator(".search-filters");
  check(await filters.isVisible(), "filters are shown with results");
  const options = await page.locator("select[name=pillar] option").allTextContents();
  const culture = options.findIndex((o) => o.startsWith("Culture"));
  check(culture > 0, `the pillar filter lists the pillars found, with counts: ${options.join(" | ")}`);
  if (culture > 0) {
    await page.locator("select[name=pillar]").selectOption({ index: culture });
    await page.waitForFunction((n) => document.querySelectorAll("ol.search-results li").length < n, all, { timeout: 5000 })
      .catch(() => {});
    // The fragments of results further down the list arrive after the list itself.
    await page.waitForFunction(() => {
      const items = document.querySelectorAll("ol.search-results li");
      return items.length > 0 && document.querySelectorAll("ol.search-results .search-pillar").length === items.length;
    }, null, { timeout: 5000 }).catch(() => {});
    const pillars = await page.locator("ol.search-results .search-pillar").allTextContents();
    check(pillars.length > 0 && pillars.every((p) => p === "Culture"), `only Culture pages are left: ${pillars.join(", ")}`);
  }

  // The filters of places: a commune, then an accessibility value chosen with the keyboard.
  // Each result left must be a page that says so (its practical block, read from the site).
  const showsAll = async (hrefs, text) => {
    const bodies = await Promise.all(hrefs.map((h) => context.request.get(h).then((r) => r.text())));
    return bodies.every((b) => {
      const at = b.indexOf('<section class="practical');
      return at >= 0 && b.slice(at, b.indexOf("</section>", at)).includes(text);
    });
  };
  const resultHrefs = () => page.locator("ol.search-results .search-title a").evaluateAll((as) => as.map((a) => a.href));
  const settled = (n) => page.waitForFunction((n) => document.querySelectorAll("ol.search-results li").length === n, n, { timeout: 5000 })
    .then(() => true).catch(() => false);
  const countIn = (option) => Number((option.match(/\((\d+)\)$/) || [])[1]);
  await page.goto(origin + "/recherche/?q=lac", { waitUntil: "load" });
  await firstResult(page).waitFor({ timeout: 5000 });
  const lacResults = await page.locator("ol.search-results li").count();
  const communeSelect = page.locator("select[name=commune]");
  const accessSelect = page.locator("select[name=access]");
  check(await communeSelect.isVisible(), "the commune filter is shown when results have communes");
  const communes = await page.locator("select[name=commune] option").allTextContents();
  const saintLac = communes.findIndex((o) => o.startsWith("Saint-Lac ("));
  check(saintLac > 0, `the commune filter lists the communes found, with counts: ${communes.join(" | ")}`);
  if (saintLac > 0) {
    const n = countIn(communes[saintLac]);
    await communeSelect.selectOption({ index: saintLac });
    const ok = await settled(n);
    const hrefs = await resultHrefs();
    check(ok && n > 0 && n < lacResults && await showsAll(hrefs, "Saint-Lac"), `Saint-Lac keeps its ${n} places: ${hrefs.join(", ")}`);
    const said = await page.locator("#search-status").textContent();
    check(said.startsWith(`${n} résultat`), `the count is announced again: ${said}`);
    await communeSelect.selectOption({ index: 0 });
    await settled(lacResults);
  }
  check(await accessSelect.isVisible(), "the accessibility filter is shown when results have some");
  const families = await page.locator("select[name=access] option").allTextContents();
  const motor = families[1] || "";
  check(motor.startsWith("Handicap moteur ("), `the first accessibility value is the motor family: ${families.join(" | ")}`);
  if (motor.startsWith("Handicap moteur (")) {
    const n = countIn(motor);
    // The keyboard alone: Tab from the commune filter, then the down arrow.
    await communeSelect.focus();
    await page.keyboard.press("Tab");
    check(await page.evaluate(() => document.activeElement?.name === "access"), "Tab reaches the accessibility filter");
    await page.keyboard.press("ArrowDown");
    const ok = await settled(n);
    const hrefs = await resultHrefs();
    check(ok && n > 0 && await showsAll(hrefs, "Handicap moteur"), `the down arrow filters on motor impairment: ${hrefs.join(", ")}`);
    check(await page.evaluate(() => document.activeElement?.name === "access"), "the focus stays on the filter");
    const said = await page.locator("#search-status").textContent();
    check(said.startsWith(`${n} résultat`), `the count is announced: ${said}`);
  }
  // A query no place answers: its filters are not shown.
  await page.goto(origin + "/recherche/?q=sante", { waitUntil: "load" });
  await firstResult(page).waitFor({ timeout: 5000 });
  check(!(await communeSelect.isVisible()) && !(await accessSelect.isVisible()) && !(await page.locator("select[name=type]").isVisible()),
    "the filters of places are hidden when no result has a value");

  // English has its own results page and index.

  await page.goto(origin + "/en/search/?q=lanterns", { waitUntil: "load" });
  await firstResult(page).waitFor({ timeout: 5000 });
  check((await firstResult(page).getAttribute("href")).endsWith("/en/culture/festival-des-lanternes/"), "the English index answers in English");

  const index = requests.filter((u) => u.includes("/search-index/"));
  check(index.length > 0 && index.every((u) => u.startsWith(origin)), `the index is read from the site (${index.length} files)`);
  check(requests.every((u) => !u.includes(".wasm")), "no WebAssembly");
  check(problems.length === 0, `no CSP violation and no request to another host ${problems.join("; ")}`);

  // Without JavaScript, the header field leads to the site map.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await plain.goto(origin + "/", { waitUntil: "load" });
  await plain.locator("#header-q").fill("lac");
  await plain.locator("#header-q").press("Enter");
  await plain.waitForURL(/\/plan-du-site\//, { timeout: 5000 }).then(() => check(true, "without JavaScript the field leads to the site map"))
    .catch(() => check(false, `without JavaScript the field leads to the site map (${plain.url()})`));
});
server.close();
console.log(`search: ${failures ? 0 : 1} passed, ${failures ? 1 : 0} failed`);
process.exit(failures ? 1 : 0);

// Two-click videos and community walls in headless Chromium: no request to
// another host when the pages load; after a click on a video's poster, a
// request to that video's player host, and to no other.
// Usage: node video.mjs DIR PORT VIDEO_PAGE WALL_PAGE...
import { serve } from "./serve.mjs";
import { withBrowser } from "./browser.mjs";

const [dir, port, videoPage, ...wallPages] = process.argv.slice(2);
const origin = `http://127.0.0.1:${port}`;
// The policy a site with videos publishes: the strict one, plus the players it embeds.
const players = ["https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://www.dailymotion.com"];
const server = await serve(dir, Number(port), { frames: players });
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAIL"} ${what}`);
  if (!ok) failures++;
};

async function open(context, path) {
  const page = await context.newPage();
  const foreign = [];
  const problems = [];
  // Requests to other hosts are recorded and aborted: nothing leaves the machine.
  await page.route((url) => url.protocol !== "data:" && url.origin !== origin, (route) => {
    foreign.push(new URL(route.request().url()).host);
    return route.abort();
  });
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  await page.goto(origin + path, { waitUntil: "load" });
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(200);
  return { page, foreign, problems };
}

await withBrowser(async (browser) => {
  const context = await browser.newContext();
  for (const path of wallPages) {
    const { page, foreign, problems } = await open(context, path);
    const posts = await page.locator("li.post").count();
    check(posts > 0, `${path} shows ${posts} community posts`);
    const icons = await page.locator("li.post svg.post-icon use").count();
    check(icons === posts, `${path}: each post has its network's icon from the site itself`);
    check(foreign.length === 0 && problems.length === 0, `${path}: no request to another host, no CSP violation ${[...foreign, ...problems].join("; ")}`);
    await page.close();
  }
  const { page, foreign, problems } = await open(context, videoPage);
  const poster = page.locator("figure.video a.video-poster").first();
  check((await poster.count()) === 1, `${videoPage} has a video poster`);
  check((await page.locator("iframe").count()) === 0, "no player before the click");
  check(foreign.length === 0, `no request to another host before the click ${foreign.join(", ")}`);
  const label = (await poster.count()) ? await poster.innerText() : "";
  check(/YouTube/.test(label), `the button says where the video comes from: "${label.replace(/\s+/g, " ")}"`);
  await poster.click();
  const frame = page.locator("figure.video iframe");
  await frame.waitFor({ timeout: 3000 }).catch(() => {});
  check((await frame.count()) === 1, "the click puts the player in place of the poster");
  check((await frame.getAttribute("title")) !== null, "the player has a title");
  await page.waitForTimeout(500);
  const hosts = [...new Set(foreign)];
  check(hosts.length === 1 && hosts[0] === "www.youtube-nocookie.com", `after the click, the player's host only: ${hosts.join(", ")}`);
  check(problems.length === 0, `no CSP violation or script error ${problems.join("; ")}`);
  await page.close();
});
server.close();
console.log(`video: ${failures ? 0 : 1} passed, ${failures ? 1 : 0} failed`);
process.exit(failures ? 1 : 0);

// Runs the theme's own search script (themes/postale/static/search.js) in
// Node on a built site: the index files are read from the output folder
// instead of fetched. Used by the testsuite (search::) and the benchmark.
//
//   node harness.cjs OUT BASE_URL MANIFEST_URL < queries.json
//
// queries.json: ["query", ...] or [{"q": "query", "typing": true}, ...].
// Prints, as JSON, for each query the addresses of its first results (at
// most `top`, default 5), their facets as the script reads them from the
// manifest (facet name to the names of the values the page has), its
// number of results and the bytes of the files it read (manifest included,
// script excluded).
'use strict';
const fs = require('fs');
const path = require('path');
const search = require(path.join(__dirname, '../../themes/postale/static/search.js'));

const [out, base, manifest, topArg] = process.argv.slice(2);
const top = Number(topArg || 5);
const root = base.replace(/\/$/, '');

function loader(counter) {
  return (url) => {
    if (!url.startsWith(root + '/')) {
      return Promise.reject(new Error('request outside the site: ' + url));
    }
    const file = path.join(out, decodeURIComponent(url.slice(root.length + 1)));
    const text = fs.readFileSync(file, 'utf8');
    counter.bytes += Buffer.byteLength(text);
    counter.files += 1;
    return Promise.resolve(JSON.parse(text));
  };
}

async function main() {
  const queries = JSON.parse(fs.readFileSync(0, 'utf8'));
  const answers = [];
  for (const entry of queries) {
    const q = typeof entry === 'string' ? entry : entry.q;
    const typing = typeof entry === 'string' ? false : Boolean(entry.typing);
    // A fresh engine per query: bytes are those of one visitor's query.
    const counter = { bytes: 0, files: 0 };
    const engine = new search.Engine(manifest, loader(counter));
    const found = await engine.search(q, typing);
    const firsts = found.results.slice(0, top);
    const pages = await Promise.all(firsts.map((r) => engine.page(r.page)));
    const m = await engine.manifest(); // already read: no byte more
    const facets = firsts.map((r) => Object.fromEntries(search.FACETS.map((f) =>
      [f.name, f.values(m).filter((_, i) => f.has(r.facets, i))])));
    answers.push({
      q,
      count: found.results.length,
      urls: pages.map((p) => p.u.slice(root.length)),
      facets,
      excerpt: pages.length ? search.excerpt(pages[0].x, found.terms.concat(found.words), 200) : [],
      bytes: counter.bytes,
      files: counter.files,
    });
  }
  process.stdout.write(JSON.stringify(answers, null, 1) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});

/* Search: the header field and the results page (docs/search.md).
 *
 * With this script, the header's search field leads to the results page
 * (without it, to the site map). On the results page, the query is cut
 * and folded as the index was (src/search/text.rs: a change there is a
 * change here), the shards its words need are fetched from the site, and
 * the results are shown with their excerpt, pillar and thumbnail, the
 * count announced, filters by pillar, audience, place type, commune and
 * accessibility. No request leaves the site; no inline script, no
 * WebAssembly.
 *
 * The engine (fold, words, Engine) also runs in Node, given a loader:
 * the tests search the built example with this very file. */
(function (global) {
  'use strict';

  var ELISIONS = ['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'lorsqu', 'puisqu', 'jusqu',
    'quoiqu', 'un', 'dell', 'all', 'dall', 'nell', 'sull', 'coll', 'quell', 'nessun'];
  var LIGATURES = { 'œ': 'oe', 'æ': 'ae', 'ß': 'ss' };
  var WORD = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu;

  /* Lower case, accents and marks removed, ligatures spelt out. */
  function fold(s) {
    return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
      .replace(/[œæß]/g, function (c) { return LIGATURES[c]; });
  }

  /* The folded words of a text, elisions removed (« l'abbaye » → abbaye). */
  function words(text) {
    var out = [];
    var tokens = text.toLowerCase().match(WORD) || [];
    tokens.forEach(function (token) {
      var parts = token.split(/['’]/);
      parts.forEach(function (part, n) {
        if (parts.length > 1 && (Array.from(part).length < 2 ||
            (n === 0 && ELISIONS.indexOf(fold(part)) >= 0))) {
          return;
        }
        out.push(fold(part));
      });
    });
    return out;
  }

  /* Whether a and b differ by one letter added, removed, changed or two
   * neighbours swapped. */
  function oneEdit(a, b) {
    if (a === b) { return false; }
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) { return false; }
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) { i++; }
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) { return true; }
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  /* The key of the shard holding word w: the longest key w starts with. */
  function shardKey(keys, w) {
    var chars = Array.from(w);
    for (var n = chars.length; n > 0; n--) {
      var k = chars.slice(0, n).join('');
      if (Object.prototype.hasOwnProperty.call(keys, k)) { return k; }
    }
    return null;
  }

  /* How well index term t answers query word w (0: not at all). */
  function closeness(t, w, prefix) {
    if (t === w) { return 1; }
    if (prefix && w.length >= 2 && t.indexOf(w) === 0) { return 0.6 + 0.3 * w.length / t.length; }
    if (w.length >= 5 && t.length >= 4 && w.indexOf(t) === 0 && w.length - t.length <= 2) { return 0.7; }
    if (w.length >= 5 && oneEdit(t, w)) { return 0.55; }
    return 0;
  }

  function Engine(manifestUrl, load) {
    this.url = manifestUrl;
    this.load = load;
    this.files = {};
  }

  Engine.prototype.file = function (name) {
    var url = new URL(name, this.url).href;
    if (!this.files[url]) { this.files[url] = this.load(url); }
    return this.files[url];
  };

  Engine.prototype.manifest = function () {
    if (!this.m) { this.m = this.load(this.url); }
    return this.m;
  };

  /* The shards word w needs: its own, and for the word being typed the
   * shards of longer keys it begins (at most four). */
  Engine.prototype.shardsFor = function (m, w, prefix) {
    var keys = m.shards, names = [];
    var own = shardKey(keys, w);
    if (own !== null) { names.push(keys[own]); }
    if (prefix) {
      var longer = Object.keys(keys).filter(function (k) { return k !== own && k.indexOf(w) === 0; });
      if (longer.length <= 4) { longer.forEach(function (k) { names.push(keys[k]); }); }
    }
    var self = this;
    return Promise.all(names.map(function (h) { return self.file(h + '.json'); }));
  };

  /* Matching terms of one word in its shards: term → closeness, stems
   * widening exact and near matches to the other forms of their word. */
  function matchTerms(shards, w, prefix) {
    var found = [];
    shards.forEach(function (s) {
      var stems = {};
      Object.keys(s.t).forEach(function (t) {
        var c = closeness(t, w, prefix);
        if (c > 0) {
          found.push([s, t, c]);
          if (c >= 0.7) { stems[s.t[t][0]] = Math.max(stems[s.t[t][0]] || 0, c); }
        }
      });
      Object.keys(s.t).forEach(function (t) {
        var c = stems[s.t[t][0]];
        if (c && t !== w) { found.push([s, t, 0.9 * c]); }
      });
    });
    return found;
  }

  /* Page number → score for one word. */
  function scoreWord(found, pages) {
    var scores = new Map();
    found.forEach(function (f) {
      var list = f[0].t[f[1]], closeness = f[2];
      var df = (list.length - 1) / 2;
      var idf = Math.log(1 + pages / df);
      var doc = 0;
      for (var i = 1; i < list.length; i += 2) {
        doc += list[i];
        var s = list[i + 1] * closeness * idf;
        if (!(scores.get(doc) >= s)) { scores.set(doc, s); }
      }
    });
    return scores;
  }

  var DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';

  /* Digits for n values and none: 0 when there is none (src/search/index.rs). */
  function width(n) {
    var w = 0;
    for (var room = 1; room < n + 1; room *= 64) { w++; }
    return w;
  }

  /* The widths of a page's facet codes, from the manifest's tables. */
  function layout(m) {
    if (!m.layout) {
      var w = [1, Math.max(1, Math.ceil(m.audiences.length / 6)), 1,
        width((m.types || []).length), width((m.communes || []).length), (m.access || []).length ? 1 : 0];
      m.layout = { widths: w, size: w.reduce(function (a, b) { return a + b; }, 0) };
    }
    return m.layout;
  }

  /* The facets of page n: pillar number (-1: none), audience bits, event
   * state, type and commune numbers (-1: none), accessibility bits. */
  function facetsOf(m, n) {
    var l = layout(m), code = m.facets, at = n * l.size;
    var values = l.widths.map(function (w) {
      var v = 0;
      for (var c = 0; c < w; c++) { v += DIGITS.indexOf(code[at + c]) * Math.pow(64, c); }
      at += w;
      return v;
    });
    return { pillar: values[0] === 63 ? -1 : values[0], audiences: values[1], event: String(values[2]),
      type: values[3] - 1, commune: values[4] - 1, access: values[5] };
  }

  /* Ranked pages for a query: [{page, score, words}], the query's words
   * (folded) and the index terms that matched, for the excerpts.
   * `typing`: the last word may be the beginning of a longer one. */
  Engine.prototype.search = function (query, typing) {
    var self = this;
    return this.manifest().then(function (m) {
      var all = words(query);
      var kept = all.filter(function (w) { return m.stop.indexOf(w) < 0; });
      if (kept.length === 0) { kept = all; }
      kept = kept.filter(function (w, i) { return kept.indexOf(w) === i; }).slice(0, 8);
      var last = all.length ? all[all.length - 1] : null;
      return Promise.all(kept.map(function (w) {
        var prefix = typing && w === last;
        return self.shardsFor(m, w, prefix).then(function (shards) {
          return matchTerms(shards, w, prefix);
        });
      })).then(function (perWord) {
        var totals = new Map(), terms = [];
        var effective = 0;
        perWord.forEach(function (found) {
          found.forEach(function (f) { terms.push(f[1]); });
          var scores = scoreWord(found, m.pages);
          if (scores.size) { effective++; }
          scores.forEach(function (s, doc) {
            var t = totals.get(doc) || { page: doc, score: 0, words: 0 };
            t.score += s;
            t.words++;
            totals.set(doc, t);
          });
        });
        var results = Array.from(totals.values());
        if (results.some(function (r) { return r.words === effective; })) {
          results = results.filter(function (r) { return r.words === effective; });
        }
        results.forEach(function (r) {
          var f = facetsOf(m, r.page);
          r.facets = f;
          if (f.event === '1') { r.score *= 1.2; }
          if (f.event === '2') { r.score *= 0.7; }
        });
        results.sort(function (a, b) {
          return b.words - a.words || b.score - a.score || a.page - b.page;
        });
        return { results: results, words: kept, terms: terms };
      });
    });
  };

  /* What a result shows of page n: {u, t, p, i, x}. */
  Engine.prototype.page = function (n) {
    var self = this;
    return this.manifest().then(function (m) { return self.file(m.results + '/' + n + '.json'); });
  };

  /* The excerpt of text around the first matched word: [[text, marked]]. */
  function excerpt(text, terms, size) {
    var folded = '', map = [];
    Array.from(text).forEach(function (ch, i) {
      var f = fold(ch);
      for (var k = 0; k < f.length; k++) { map.push(i); }
      folded += f;
    });
    var chars = Array.from(text);
    var spans = [];
    var re = /[\p{L}\p{N}]+/gu, m;
    while ((m = re.exec(folded)) !== null) {
      var word = m[0];
      if (terms.some(function (t) { return word === t || (t.length >= 3 && word.indexOf(t) === 0); })) {
        spans.push([map[m.index], map[m.index + word.length - 1] + 1]);
      }
    }
    var start = 0;
    if (spans.length) { start = Math.max(0, spans[0][0] - Math.floor(size / 3)); }
    while (start > 0 && !/\s/.test(chars[start - 1])) { start--; }
    var end = Math.min(chars.length, start + size);
    while (end < chars.length && !/\s/.test(chars[end])) { end++; }
    var out = [], at = start;
    spans.forEach(function (s) {
      if (s[0] < at || s[1] > end) { return; }
      out.push([chars.slice(at, s[0]).join(''), false]);
      out.push([chars.slice(s[0], s[1]).join(''), true]);
      at = s[1];
    });
    out.push([chars.slice(at, end).join(''), false]);
    if (start > 0) { out[0][0] = '… ' + out[0][0]; }
    if (end < chars.length) { out[out.length - 1][0] += ' …'; }
    return out;
  }

  /* The filters: each facet's values in the manifest (names) and whether
   * a page's facets have value i. */
  function bit(bits, i) { return Math.floor(bits / Math.pow(2, i)) % 2 === 1; }
  function names(list) { return (list || []).map(function (v) { return typeof v === 'string' ? v : v[1]; }); }
  var FACETS = [
    { name: 'pillar', values: function (m) { return names(m.pillars); }, has: function (f, i) { return f.pillar === i; } },
    { name: 'audience', values: function (m) { return names(m.audiences); }, has: function (f, i) { return bit(f.audiences, i); } },
    { name: 'type', values: function (m) { return names(m.types); }, has: function (f, i) { return f.type === i; } },
    { name: 'commune', values: function (m) { return names(m.communes); }, has: function (f, i) { return f.commune === i; } },
    { name: 'access', values: function (m) { return names(m.access); }, has: function (f, i) { return bit(f.access, i); } }
  ];

  var api = { fold: fold, words: words, oneEdit: oneEdit, excerpt: excerpt, Engine: Engine, FACETS: FACETS };
  if (typeof module !== 'undefined' && module.exports) { module.exports = api; }
  global.blasonSearch = api;

  if (typeof document === 'undefined') { return; }

  /* The page: header forms lead to the results page. */
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-search]'), function (f) {
      f.setAttribute('action', f.getAttribute('data-search'));
    });
    var root = document.getElementById('search');
    if (root) { results(root); }
  }

  function el(name, attrs, children) {
    var e = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) { throw new Error(url + ': ' + r.status); }
      return r.json();
    });
  }

  var PAGE = 10;

  /* The results page: live results while typing, filters, more results. */
  function results(root) {
    var d = root.dataset;
    var engine = new Engine(new URL(d.index, location.href).href, fetchJson);
    var input = root.querySelector('input[type=search]');
    var form = root.querySelector('form');
    var status = root.querySelector('[role=status]');
    var list = root.querySelector('ol');
    var more = root.querySelector('.search-more');
    // The filters this page has, each with its select and its label.
    var filterList = FACETS.map(function (f) {
      var select = root.querySelector('select[name=' + f.name + ']');
      return select && { facet: f, select: select, label: select.closest('label') || select };
    }).filter(Boolean);
    var filters = root.querySelector('.search-filters');
    var number = new Intl.NumberFormat(document.documentElement.lang || undefined);
    var state = { found: null, shown: 0, serial: 0 };

    function say(key, n, q) {
      return (d[key] || '').replace('{n}', number.format(n)).replace('{q}', q);
    }

    /* Whether result r passes every filter chosen but `except`. */
    function pass(r, except) {
      return filterList.every(function (x) {
        return x === except || x.select.value === '' || x.facet.has(r.facets, Number(x.select.value));
      });
    }

    /* Each filter lists the values the results have (with their counts,
     * the other filters applied), and is shown only when there are some. */
    function facets(m, found) {
      var shown = 0;
      filterList.forEach(function (x) {
        var select = x.select, keep = select.value;
        var others = found.filter(function (r) { return pass(r, x); });
        while (select.options.length > 1) { select.remove(1); }
        x.facet.values(m).forEach(function (name, i) {
          var n = others.filter(function (r) { return x.facet.has(r.facets, i); }).length;
          if (n > 0 || String(i) === keep) {
            select.appendChild(el('option', { value: String(i) }, [name + ' (' + number.format(n) + ')']));
          }
        });
        select.value = keep;
        if (select.value !== keep) { select.value = ''; }
        x.label.hidden = select.options.length < 2;
        if (!x.label.hidden) { shown++; }
      });
      filters.hidden = found.length === 0 || shown === 0;
    }

    function item(frag, terms) {
      var link = el('a', { href: frag.u }, [frag.t]);
      var parts = [el('h2', { 'class': 'search-title' }, [link])];
      if (frag.p) { parts.push(el('p', { 'class': 'search-pillar' }, [frag.p])); }
      var text = el('p', { 'class': 'search-excerpt' });
      excerpt(frag.x || '', terms, 200).forEach(function (part) {
        text.appendChild(part[1] ? el('mark', {}, [part[0]]) : document.createTextNode(part[0]));
      });
      parts.push(text);
      var li = el('li', { 'class': 'search-result' + (frag.i ? ' has-thumb' : '') });
      if (frag.i) { li.appendChild(el('img', { src: frag.i, alt: '', loading: 'lazy', width: '96', height: '72' })); }
      li.appendChild(el('div', {}, parts));
      return li;
    }

    /* Shows the next results of the current list. */
    function showMore(serial, focusFirst) {
      var found = state.found.results.filter(function (r) { return pass(r, null); });
      var slice = found.slice(state.shown, state.shown + PAGE);
      state.shown += slice.length;
      return Promise.all(slice.map(function (r) { return engine.page(r.page); })).then(function (frags) {
        if (serial !== state.serial) { return; }
        var items = frags.map(function (f) { return item(f, state.found.terms.concat(state.found.words)); });
        items.forEach(function (li) { list.appendChild(li); });
        more.hidden = state.shown >= found.length;
        if (focusFirst && items.length) { items[0].querySelector('a').focus(); }
      });
    }

    function run(typing) {
      var q = input.value.trim();
      var serial = ++state.serial;
      if (!q) {
        list.textContent = '';
        more.hidden = true;
        filters.hidden = true;
        status.textContent = '';
        return Promise.resolve();
      }
      return engine.search(q, typing).then(function (found) {
        if (serial !== state.serial) { return; }
        return engine.manifest().then(function (m) {
          state.found = found;
          state.shown = 0;
          facets(m, found.results);
          var n = found.results.filter(function (r) { return pass(r, null); }).length;
          status.textContent = say(n === 0 ? 'countNone' : n === 1 ? 'countOne' : 'countMany', n, q);
          list.textContent = '';
          return showMore(serial, false);
        });
      }).catch(function () {
        if (serial === state.serial) { status.textContent = d.error || ''; }
      });
    }

    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(true); }, 120);
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      clearTimeout(timer);
      var url = new URL(location.href);
      url.searchParams.set('q', input.value.trim());
      history.replaceState(null, '', url.href);
      run(false);
    });
    filterList.forEach(function (x) {
      x.select.addEventListener('change', function () { run(false); });
    });
    more.addEventListener('click', function () {
      var before = list.children.length;
      showMore(state.serial, false).then(function () {
        var next = list.children[before];
        if (next) { next.querySelector('a').focus(); }
      });
    });
    root.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && document.activeElement === input && input.value) {
        input.value = '';
        run(false);
      } else if (e.key === 'Escape' && list.contains(document.activeElement)) {
        input.focus();
      }
    });
    // Arrow keys move between results and back to the field.
    list.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') { return; }
      var links = Array.prototype.slice.call(list.querySelectorAll('.search-title a'));
      var i = links.indexOf(document.activeElement);
      if (i < 0) { return; }
      e.preventDefault();
      if (e.key === 'ArrowDown' && i + 1 < links.length) { links[i + 1].focus(); }
      if (e.key === 'ArrowUp') { (i > 0 ? links[i - 1] : input).focus(); }
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        var first = list.querySelector('.search-title a');
        if (first) { e.preventDefault(); first.focus(); }
      }
    });
    var q = new URL(location.href).searchParams.get('q');
    if (q) {
      input.value = q;
      run(false);
    }
    root.classList.add('is-ready');
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(typeof window !== 'undefined' ? window : globalThis);

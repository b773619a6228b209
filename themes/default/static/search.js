/* stepwise search: no dependencies, no network beyond this site's own index files.
 *
 * tokens(), queryTerms() and rank() are line-by-line ports of src/tokenize.rs and
 * src/search.rs; the cases in tests/fixtures/search/ (tokenizer-cases.json,
 * query-cases.json) run against both, because a tokenizer that differs between indexer and
 * browser is what breaks Chinese search. A query fetches the entry file, the terms chunks
 * of its terms and the title chunks of the results shown (see src/search.rs).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var lang = (script && script.getAttribute("data-lang")) || document.documentElement.lang;

  // ---- tokenizer (src/tokenize.rs) ----------------------------------------------------
  var STOP = ["a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "for", "from", "how", "if", "in",
    "into", "is", "it", "of", "on", "or", "the", "then", "this", "to", "what", "when", "with", "you", "your"];

  function isCjk(cp) {
    return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x20000 && cp <= 0x2FFFF);
  }
  var ALNUM = /[\p{L}\p{N}]/u;

  // Full-width and half-width forms folded (NFKC), as src/tokenize.rs fold().
  function fold(text) { return text.normalize("NFKC"); }

  function stem(w) {
    var n = w.length;
    if (n > 4 && /ies$/.test(w)) return w.slice(0, n - 3) + "y";
    if (n > 4 && /(sses|shes|ches|xes)$/.test(w)) return w.slice(0, n - 2);
    if (n > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w)) return w.slice(0, n - 1);
    return w;
  }

  function tokens(text) {
    text = fold(text);
    var out = [], word = "", cjk = [];
    function flushWord() {
      if (word) {
        var w = stem(word.toLowerCase());
        if (STOP.indexOf(w) < 0) out.push(w);
        word = "";
      }
    }
    function flushCjk() {
      if (cjk.length === 1) out.push(cjk[0]);
      for (var i = 0; i + 1 < cjk.length; i++) out.push(cjk[i] + cjk[i + 1]);
      cjk = [];
    }
    for (var ch of text) {
      var cp = ch.codePointAt(0);
      if (isCjk(cp)) { flushWord(); cjk.push(ch); }
      else if (ALNUM.test(ch) || (ch === "'" && word)) { flushCjk(); if (ch !== "'") word += ch; }
      else { flushWord(); flushCjk(); }
    }
    flushWord(); flushCjk();
    return out;
  }

  // ---- query terms (src/search.rs query_terms) ----------------------------------------
  var PREFIX_CHARS = 3;

  // Code point order, as Rust sorts strings.
  function cmpCodePoints(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }

  // [[term, prefix]], sorted, no duplicates: the last word matches as a prefix while typed.
  function queryTerms(query) {
    var folded = fold(query), toks = tokens(folded), chars = Array.from(folded), tail = "";
    for (var i = chars.length - 1; i >= 0; i--) {
      var c = chars[i];
      if (isCjk(c.codePointAt(0)) || !(ALNUM.test(c) || c === "'")) break;
      if (c !== "'") tail = c + tail;
    }
    var lastPrefix = tail !== "" && Array.from(tail).length >= PREFIX_CHARS &&
      toks.length > 0 && toks[toks.length - 1] === stem(tail.toLowerCase());
    var terms = new Map();
    toks.forEach(function (t, i) {
      var prefix = lastPrefix && i + 1 === toks.length;
      terms.set(t, terms.has(t) ? terms.get(t) && prefix : prefix);
    });
    return Array.from(terms.keys()).sort(cmpCodePoints).map(function (t) { return [t, terms.get(t)]; });
  }

  // ---- index files (src/search.rs) ----------------------------------------------------
  // The chunks that hold `term` (or, for a prefix, every term starting with it): chunk k
  // holds the terms from firsts[k] up to firsts[k + 1], in UTF-16 order.
  function chunksFor(term, prefix, firsts) {
    var lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= term) lo = mid; else hi = mid - 1;
    }
    var out = [lo];
    if (prefix) for (var k = lo + 1; k < firsts.length && firsts[k].startsWith(term); k++) out.push(k);
    return out;
  }

  // "title;elsewhere", each base-36 gaps ("3,11") or a bitmap ("=" + base64) -> bits by doc.
  function decodeInto(postings, into) {
    var parts = postings.split(";");
    [2, 1].forEach(function (bit, i) {
      var set = parts[i] || "";
      if (set.charAt(0) === "=") {
        var bytes = atob(set.slice(1));
        for (var b = 0; b < bytes.length; b++) {
          var v = bytes.charCodeAt(b);
          for (var k = 0; v && k < 8; k++, v >>= 1) {
            if (v & 1) into.set(b * 8 + k, (into.get(b * 8 + k) || 0) | bit);
          }
        }
      } else if (set) {
        var doc = 0;
        set.split(",").forEach(function (g) {
          doc += parseInt(g, 36);
          into.set(doc, (into.get(doc) || 0) | bit);
        });
      }
    });
  }

  var cache = {};
  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(root + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }
  function manifest() { return load(lang + "/search-index.json"); }

  // ---- ranking (src/search.rs rank) ---------------------------------------------------
  function rank(man, chunks, q, limit) {
    if (!q.length) return [];
    var n = man.docs, score = new Map();
    q.forEach(function (term) {
      var tok = term[0], prefix = term[1], docs = new Map();
      chunksFor(tok, prefix, man.terms).forEach(function (k) {
        var chunk = chunks[k];
        if (!prefix) { if (Object.prototype.hasOwnProperty.call(chunk, tok)) decodeInto(chunk[tok], docs); return; }
        Object.keys(chunk).forEach(function (t) { if (t.startsWith(tok)) decodeInto(chunk[t], docs); });
      });
      if (!docs.size) return;
      var idf = Math.log(1 + n / docs.size);
      Array.from(docs.keys()).sort(function (a, b) { return a - b; }).forEach(function (doc) {
        var bits = docs.get(doc), w = (bits & 2 ? 3 : 0) + (bits & 1 ? 1 : 0);
        var e = score.get(doc) || [0, 0];
        e[0] += idf * w; e[1] += 1;
        score.set(doc, e);
      });
    });
    var need = q.length <= 2 ? q.length : Math.ceil(q.length / 2), hits = [];
    score.forEach(function (e, doc) {
      if (e[1] >= need) { var share = e[1] / q.length; hits.push({doc: doc, score: e[0] * share * share}); }
    });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return hits.slice(0, limit);
  }

  // Ranks `query` and fetches the title, URL and category of the hits: the terms chunks of
  // its terms, then one small file per META_CHUNK tutorials shown.
  function search(query, limit) {
    return manifest().then(function (man) {
      var q = queryTerms(query), wanted = {};
      q.forEach(function (t) { chunksFor(t[0], t[1], man.terms).forEach(function (k) { wanted[k] = true; }); });
      var ids = Object.keys(wanted);
      return Promise.all(ids.map(function (k) { return load(lang + "/search/terms-" + k + ".json"); })).then(function (parts) {
        var chunks = {};
        ids.forEach(function (k, i) { chunks[k] = parts[i]; });
        var hits = rank(man, chunks, q, limit);
        return Promise.all(hits.map(function (h) {
          return load(lang + "/search/meta-" + Math.floor(h.doc / man.meta) + ".json").then(function (m) {
            h.meta = m[h.doc % man.meta];
          });
        })).then(function () { return {man: man, terms: q, hits: hits}; });
      });
    });
  }

  // ---- showing results ----------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // Marks what the query matched in `text`: Chinese terms wherever they occur (bigrams
  // overlap, so marks merge), and whole English words whose token is a query term or, for
  // the word being typed, starts with it ("pass" marks "Passwords").
  function highlight(text, terms, into) {
    var chars = Array.from(text), marks = new Array(chars.length).fill(false), i = 0;
    var cjkTerms = terms.filter(function (t) { return isCjk(t[0].codePointAt(0)); });
    while (i < chars.length) {
      var cp = chars[i].codePointAt(0), j = i;
      if (isCjk(cp)) {
        while (j < chars.length && isCjk(chars[j].codePointAt(0))) j++;
        var run = Array.from(fold(chars.slice(i, j).join("")));
        if (run.length === j - i) {
          cjkTerms.forEach(function (t) {
            var tc = Array.from(t[0]);
            for (var at = 0; at + tc.length <= run.length; at++) {
              if (run.slice(at, at + tc.length).join("") === t[0]) for (var k = 0; k < tc.length; k++) marks[i + at + k] = true;
            }
          });
        }
      } else if (ALNUM.test(chars[i])) {
        while (j < chars.length && !isCjk(chars[j].codePointAt(0)) && (ALNUM.test(chars[j]) || chars[j] === "'")) j++;
        var word = tokens(chars.slice(i, j).join(""))[0] || "";
        var hit = word && terms.some(function (t) { return t[1] ? word.startsWith(t[0]) : word === t[0]; });
        for (var m = i; m < j; m++) marks[m] = hit;
      } else {
        j = i + 1;
      }
      i = j;
    }
    i = 0;
    while (i < chars.length) {
      var e = i;
      while (e < chars.length && marks[e] === marks[i]) e++;
      var part = chars.slice(i, e).join("");
      into.appendChild(marks[i] ? el("mark", "", part) : document.createTextNode(part));
      i = e;
    }
  }

  // ~110 characters of `text` around its first match.
  function snippet(text, terms) {
    var probe = document.createElement("span"), at = -1;
    highlight(text, terms, probe);
    var first = probe.querySelector("mark");
    if (first) {
      at = 0;
      for (var node = probe.firstChild; node !== first; node = node.nextSibling) at += node.textContent.length;
    }
    var start = Math.max(0, at - 30);
    return (start > 0 ? "…" : "") + text.slice(start, start + 110) + (start + 110 < text.length ? "…" : "");
  }

  // The snippet of hit `h`, from its text chunk (fetched once per chunk).
  function fillText(p, h, result) {
    var man = result.man;
    return load(lang + "/search/text-" + Math.floor(h.doc / man.text) + ".json").then(function (chunk) {
      p.textContent = "";
      highlight(snippet(chunk[h.doc % man.text] || "", result.terms), result.terms, p);
    });
  }

  // Shows the hits; with their text on the results page: the first SNIPPETS_FIRST hits'
  // text before showing them, the others' as they scroll into view (so a query fetches
  // the text of what is seen, not of all 30 results).
  var SNIPPETS_FIRST = 8;
  function render(list, result, withText) {
    var items = result.hits.map(function (h) {
      var doc = h.meta || ["", "", ""], li = el("li", "search-hit");
      var a = el("a", "search-hit-title");
      a.href = root + doc[1];
      highlight(doc[0], result.terms, a);
      li.appendChild(a);
      if (doc[2]) li.appendChild(el("span", "search-hit-category", doc[2]));
      var p = null;
      if (withText) { p = el("p", "search-hit-text"); li.appendChild(p); }
      return {li: li, p: p, hit: h};
    });
    var first = withText
      ? Promise.all(items.slice(0, SNIPPETS_FIRST).map(function (it) { return fillText(it.p, it.hit, result); }))
      : Promise.resolve();
    return first.then(function () {
      list.textContent = "";
      items.forEach(function (it) { list.appendChild(it.li); });
      var rest = withText ? items.slice(SNIPPETS_FIRST) : [];
      if (!rest.length) return;
      if (!("IntersectionObserver" in window)) { rest.forEach(function (it) { fillText(it.p, it.hit, result); }); return; }
      var seen = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (!e.isIntersecting) return;
          seen.unobserve(e.target);
          rest.forEach(function (it) { if (it.li === e.target) fillText(it.p, it.hit, result); });
        });
      }, {rootMargin: "200px"});
      rest.forEach(function (it) { seen.observe(it.li); });
    });
  }

  function fmt(template, n) { return (template || "").replace("{n}", n); }
  // The strings' form for n: `data-count-one` for 1 (when the theme has one), else `data-count`.
  function countForm(form, n) {
    return (n === 1 && form.getAttribute("data-count-one")) || form.getAttribute("data-count");
  }

  // ---- the box in the header: results as you type -------------------------------------
  function setupLive(form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector(".search-live");
    var status = document.getElementById("search-live-status");
    if (!input || !list) return;
    var seq = 0;
    function update() {
      var q = input.value, mine = ++seq;
      if (!q.trim()) { list.hidden = true; list.textContent = ""; return; }
      search(q, 6).then(function (r) {
        if (mine !== seq) return;
        render(list, r, false).then(function () {
          list.hidden = r.hits.length === 0;
          if (status) status.textContent = r.hits.length ? fmt(countForm(form, r.hits.length), r.hits.length) : form.getAttribute("data-none");
        });
      }).catch(function () { list.hidden = true; });
    }
    input.addEventListener("input", update);
    input.addEventListener("focus", function () { manifest(); }, {once: true});
    // Arrow keys move between the input and the results; Escape closes them.
    form.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && links.length) { e.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus(); }
      else if (e.key === "ArrowUp" && at >= 0) { e.preventDefault(); (at === 0 ? input : links[at - 1]).focus(); }
      else if (e.key === "Escape") { list.hidden = true; input.focus(); }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) list.hidden = true; });
  }

  // ---- the results page: works from a URL (?q=) ---------------------------------------
  function setupPage(form) {
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!results) return;
    var q = new URLSearchParams(location.search).get("q") || "";
    var input = form && form.querySelector("input[type=search]");
    if (input) input.value = q;
    if (!q.trim()) return;
    // The other languages' search pages get the same query.
    Array.prototype.forEach.call(document.querySelectorAll(".lang-switch a[href]"), function (a) {
      a.href = a.getAttribute("href").split("?")[0] + "?q=" + encodeURIComponent(q);
    });
    status.textContent = form.getAttribute("data-loading");
    search(q, 30).then(function (r) {
      return render(results, r, true).then(function () {
        status.textContent = r.hits.length ? fmt(countForm(form, r.hits.length), r.hits.length) : form.getAttribute("data-none");
      });
    }).catch(function (e) { status.textContent = String(e); });
  }

  function start() {
    var form = document.querySelector(".site-search");
    if (!form) return;
    setupLive(form);
    setupPage(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();

  // For tests: the same functions the page uses.
  window.stepwiseSearch = {tokens: tokens, queryTerms: queryTerms, search: search};
})();

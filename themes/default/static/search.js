/* stepwise search: no dependencies, no network beyond this site's own index files.
 *
 * tokens() and rank() are line-by-line ports of src/tokenize.rs and src/search.rs; the
 * cases in tests/fixtures/search/tokenizer-cases.json run against both, because a
 * tokenizer that differs between indexer and browser is what breaks Chinese search.
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

  function stem(w) {
    var n = w.length;
    if (n > 4 && /ies$/.test(w)) return w.slice(0, n - 3) + "y";
    if (n > 4 && /(sses|shes|ches|xes)$/.test(w)) return w.slice(0, n - 2);
    if (n > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w)) return w.slice(0, n - 1);
    return w;
  }

  function tokens(text) {
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

  // ---- index files (src/search.rs) ----------------------------------------------------
  function shardOf(token, shards) {
    var h = 2166136261;
    for (var ch of token) { h ^= ch.codePointAt(0); h = Math.imul(h, 16777619) >>> 0; }
    return h % Math.max(shards, 1);
  }

  function decode(postings) {
    var out = [], doc = 0;
    postings.split(",").forEach(function (entry) {
      var parts = entry.split(":");
      doc += parseInt(parts[0], 36);
      out.push([doc, parseInt(parts[1], 10)]);
    });
    return out;
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
  function rank(man, shards, query, limit) {
    var q = tokens(query).sort().filter(function (t, i, a) { return i === 0 || a[i - 1] !== t; });
    if (!q.length) return [];
    var n = man.docs.length, score = new Map();
    q.forEach(function (tok) {
      var post = shards[shardOf(tok, man.shards)][tok];
      if (!post) return;
      var list = decode(post), idf = Math.log(1 + n / list.length);
      list.forEach(function (p) {
        var w = (p[1] & 2 ? 3 : 0) + (p[1] & 1 ? 1 : 0);
        var e = score.get(p[0]) || [0, 0];
        e[0] += idf * w; e[1] += 1;
        score.set(p[0], e);
      });
    });
    var need = q.length <= 2 ? q.length : Math.ceil(q.length / 2), hits = [];
    score.forEach(function (e, doc) {
      if (e[1] >= need) { var share = e[1] / q.length; hits.push({doc: doc, score: e[0] * share * share}); }
    });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return {tokens: q, hits: hits.slice(0, limit)};
  }

  function search(query, limit) {
    return manifest().then(function (man) {
      var wanted = {};
      tokens(query).forEach(function (t) { wanted[shardOf(t, man.shards)] = true; });
      var ids = Object.keys(wanted);
      return Promise.all(ids.map(function (k) { return load(lang + "/search/terms-" + k + ".json"); })).then(function (parts) {
        var shards = {};
        ids.forEach(function (k, i) { shards[k] = parts[i]; });
        var r = rank(man, shards, query, limit);
        return {man: man, tokens: r.tokens || [], hits: r.hits || []};
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

  // Marks every query token found in `text`; Chinese bigrams overlap, so marks merge.
  function highlight(text, toks, into) {
    var lower = text.toLowerCase(), marks = new Array(text.length).fill(false);
    toks.forEach(function (t) {
      var from = 0, at;
      while (t && (at = lower.indexOf(t, from)) >= 0) {
        for (var i = at; i < at + t.length; i++) marks[i] = true;
        from = at + 1;
      }
    });
    var i = 0;
    while (i < text.length) {
      var j = i;
      while (j < text.length && marks[j] === marks[i]) j++;
      into.appendChild(marks[i] ? el("mark", "", text.slice(i, j)) : document.createTextNode(text.slice(i, j)));
      i = j;
    }
  }

  function snippet(text, toks) {
    var lower = text.toLowerCase(), at = -1;
    toks.some(function (t) { at = lower.indexOf(t); return at >= 0; });
    var start = Math.max(0, at - 30);
    return (start > 0 ? "…" : "") + text.slice(start, start + 110) + (start + 110 < text.length ? "…" : "");
  }

  function render(list, result, withText) {
    list.textContent = "";
    var man = result.man;
    var chunks = {};
    result.hits.forEach(function (h) { chunks[Math.floor(h.doc / man.chunk)] = true; });
    var texts = withText
      ? Promise.all(Object.keys(chunks).map(function (c) {
          return load(lang + "/search/text-" + c + ".json").then(function (t) { chunks[c] = t; });
        }))
      : Promise.resolve();
    return texts.then(function () {
      result.hits.forEach(function (h) {
        var doc = man.docs[h.doc], li = el("li", "search-hit");
        var a = el("a", "search-hit-title");
        a.href = root + doc[1];
        highlight(doc[0], result.tokens, a);
        li.appendChild(a);
        if (doc[2]) li.appendChild(el("span", "search-hit-category", doc[2]));
        if (withText) {
          var chunk = chunks[Math.floor(h.doc / man.chunk)];
          var p = el("p", "search-hit-text");
          highlight(snippet(chunk[h.doc % man.chunk] || "", result.tokens), result.tokens, p);
          li.appendChild(p);
        }
        list.appendChild(li);
      });
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
      var q = input.value.trim(), mine = ++seq;
      if (!q) { list.hidden = true; list.textContent = ""; return; }
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
  window.stepwiseSearch = {tokens: tokens, shardOf: shardOf, search: search};
})();

// Gates 2 and 4, in headless Chromium driven by playwright-core: axe-core in light and dark,
// keyboard use (skip link, every control reachable, a visible focus ring), layout at phone
// and desktop widths (no sideways scroll, screenshots inside their column, clean CJK line
// breaks), and full-page screenshots kept for people to look at.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

const PHONE = { isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { isMobile: false, hasTouch: false, deviceScaleFactor: 1 };

export async function launch(executablePath) {
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--font-render-hinting=none"],
  });
}

export async function open(browser, base, page, { width, scheme = "light", height = 900, motion = "no-preference" }) {
  const ctx = await browser.newContext({
    viewport: { width, height },
    colorScheme: scheme,
    reducedMotion: motion,
    locale: page.lang === "en" ? "en-US" : "zh-CN",
    ...(width < 760 ? PHONE : DESKTOP),
  });
  const tab = await ctx.newPage();
  const problems = [];
  tab.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  const url = base + page.path;
  // A not-found page is fetched with status 404, which Chromium logs; anything else is a fault.
  tab.on("console", (m) => m.type() === "error" && !(page.status === 404 && m.location().url === url) && problems.push(`console error: ${m.text()} (${m.location().url})`));
  const res = await tab.goto(url, { waitUntil: "load" });
  const want = page.status || 200;
  if (!res || res.status() !== want) problems.push(`HTTP ${res ? res.status() : "no response"} (expected ${want}) for /${page.path}`);
  if (page.ready) await tab.waitForFunction(page.ready, null, { timeout: 10000 }).catch(() => problems.push(`never became ready: ${page.ready}`));
  // Every image on the page, lazy ones included, so measurements see final sizes.
  await tab.evaluate(async () => {
    for (const img of document.images) img.loading = "eager";
    await Promise.all(Array.from(document.images, (i) => (i.complete ? null : new Promise((ok) => { i.onload = i.onerror = ok; }))));
    await Promise.all(Array.from(document.images, (i) => i.decode().catch(() => null)));
  });
  return { ctx, tab, problems };
}

// ---- axe -------------------------------------------------------------------------------

async function axe(tab) {
  if (!(await tab.evaluate(() => typeof window.axe !== "undefined"))) await tab.addScriptTag({ path: AXE });
  return tab.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }), AXE_TAGS);
}

function describeViolations(v) {
  return v.flatMap((rule) =>
    rule.nodes.slice(0, 5).map((n) => `${rule.id} (${rule.impact}): ${rule.help}\n      at ${n.target.join(" ")}\n      ${n.failureSummary.replace(/\n/g, "\n      ")}`),
  );
}

/** axe on each page in light and dark, plus the header search with its results open. */
export async function axeGate(browser, base, pages, outDir) {
  const lines = [];
  const table = [];
  for (const scheme of ["light", "dark"]) {
    for (const page of pages) {
      const { ctx, tab, problems } = await open(browser, base, page, { width: 1280, scheme });
      const r = await axe(tab);
      const states = [["", r]];
      if (page.liveSearch) {
        // The drop-down the header search shows as you type is part of every page.
        await tab.fill("#search-q", page.liveSearch);
        await tab.waitForSelector("#search-live:not([hidden]) a", { timeout: 10000 }).catch(() => problems.push("the live search showed no results"));
        states.push([" (live search open)", await axe(tab)]);
      }
      for (const [state, res] of states) {
        table.push({ page: page.name + state, scheme, violations: res.violations.length, passes: undefined });
        for (const l of describeViolations(res.violations)) lines.push(`${page.name}${state} [${scheme}]: ${l}`);
      }
      for (const p of problems) lines.push(`${page.name} [${scheme}]: ${p}`);
      await ctx.close();
    }
  }
  fs.writeFileSync(path.join(outDir, "axe.json"), JSON.stringify({ tags: AXE_TAGS, runs: table, problems: lines }, null, 2));
  const runs = table.length;
  const total = table.reduce((a, r) => a + r.violations, 0);
  return { ok: lines.length === 0, summary: `axe-core ${require("axe-core/package.json").version} (${AXE_TAGS.join(", ")}): ${runs} runs, ${total} violations`, lines };
}

// ---- keyboard --------------------------------------------------------------------------

/** Runs in the page: what is focused now, and how its focus indicator looks. */
function focusInfo() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const cs = getComputedStyle(el);
  const rgb = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  // The colour behind the ring: the first opaque background outside the element.
  let bg = null;
  for (let n = el.parentElement; n && !bg; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c && c.a >= 0.99) bg = c;
  }
  bg = bg || { r: 255, g: 255, b: 255, a: 1 };
  const ring = rgb(cs.outlineColor);
  let contrast = 0;
  if (ring) {
    const [a, b] = [lum(ring), lum(bg)].sort((x, y) => y - x);
    contrast = (a + 0.05) / (b + 0.05);
  }
  const r = el.getBoundingClientRect();
  if (!el.dataset.qid) el.dataset.qid = String(Math.random()).slice(2);
  return {
    qid: el.dataset.qid,
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + (el.getAttribute("href") ? `[href="${el.getAttribute("href")}"]` : ""),
    skip: el.classList.contains("skip-link"),
    outline: cs.outlineStyle !== "none" ? parseFloat(cs.outlineWidth) : 0,
    contrast: Math.round(contrast * 100) / 100,
    onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    onTop: (() => {
      const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1), y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
      const hit = document.elementFromPoint(x, y);
      return !!hit && (hit === el || el.contains(hit) || hit.contains(el));
    })(),
  };
}

/** Every control a mouse user can use, rendered and enabled: what Tab must reach. */
function controls() {
  const sel = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
  return Array.from(document.querySelectorAll(sel))
    .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !el.closest("[inert]"))
    .map((el, i) => {
      el.dataset.ctl = String(i);
      return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.getAttribute("href") ? `[href="${el.getAttribute("href")}"]` : "") + ` "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`;
    });
}

export async function keyboardGate(browser, base, pages) {
  const lines = [];
  const table = [];
  for (const scheme of ["light", "dark"]) {
    for (const page of pages) {
      const { ctx, tab, problems } = await open(browser, base, page, { width: 1280, scheme });
      const fail = (m) => lines.push(`${page.name} [${scheme}]: ${m}`);
      problems.forEach(fail);
      // 1. Tab through the page: the first stop is the skip link, every control is
      //    reached, each with a visible focus ring.
      const all = await tab.evaluate(controls);
      const seen = new Map();
      let stops = 0;
      for (let i = 0; i < all.length + 5; i++) {
        await tab.keyboard.press("Tab");
        const f = await tab.evaluate(focusInfo);
        if (i === 0 && page.skipLink !== false && !(f && f.skip)) fail(`the first Tab does not reach a skip link (it reached ${f ? f.what : "nothing"})`);
        if (!f) break;
        if (seen.has(f.qid)) break;
        seen.set(f.qid, f);
        stops++;
        if (f.outline < 2) fail(`no visible focus ring on ${f.what} (outline ${f.outline}px)`);
        else if (f.contrast < 3) fail(`the focus ring on ${f.what} has contrast ${f.contrast}:1 against its background (WCAG 1.4.11 wants 3:1)`);
        if (!f.onScreen || !f.onTop) fail(`${f.what} is focused but not visible (off screen or covered)`);
      }
      const reached = await tab.evaluate(() => Array.from(document.querySelectorAll("[data-qid]"), (el) => el.dataset.ctl).filter((x) => x !== undefined));
      const missed = all.filter((_, i) => !reached.includes(String(i)));
      for (const m of missed) fail(`not reachable with Tab: ${m}`);
      // 2. The skip link, from a fresh load, moves focus to the main content.
      if (page.skipLink !== false) {
        await tab.reload({ waitUntil: "load" });
        await tab.keyboard.press("Tab");
        const first = await tab.evaluate(focusInfo);
        if (first && first.skip) {
          await tab.keyboard.press("Enter");
          const after = await tab.evaluate(() => ({ hash: location.hash, active: document.activeElement && document.activeElement.id }));
          if (after.hash !== "#main" || after.active !== "main") fail(`the skip link does not move focus to <main id="main"> (hash ${after.hash}, focus on #${after.active})`);
        }
      }
      if (!(await tab.evaluate(() => !!document.querySelector("main#main")))) fail('no <main id="main">');
      // 3. The header search from the keyboard: type, ArrowDown into the results, Escape out.
      if (page.liveSearch) {
        await tab.focus("#search-q");
        await tab.keyboard.type(page.liveSearch);
        const shown = await tab.waitForSelector("#search-live:not([hidden]) a", { timeout: 10000 }).then(() => true, () => false);
        if (!shown) fail("typing in the search box shows no results");
        else {
          await tab.keyboard.press("ArrowDown");
          const inList = await tab.evaluate(() => !!document.activeElement.closest("#search-live"));
          if (!inList) fail("ArrowDown does not move focus into the search results");
          const f = await tab.evaluate(focusInfo);
          if (f && f.outline < 2) fail(`no visible focus ring on the focused search result ${f.what}`);
          await tab.keyboard.press("Escape");
          const closed = await tab.evaluate(() => document.getElementById("search-live").hidden && document.activeElement.id === "search-q");
          if (!closed) fail("Escape does not close the search results and return to the box");
        }
      }
      table.push({ page: page.name, scheme, controls: all.length, tabStops: stops });
      await ctx.close();
    }
  }
  const n = table.reduce((a, r) => a + r.controls, 0);
  return { ok: lines.length === 0, summary: `keyboard: ${table.length} page loads, ${n} controls tabbed through, skip links, focus rings (>= 2px, >= 3:1), search keys`, lines, table };
}

// ---- layout ----------------------------------------------------------------------------

/** Runs in the page: sideways scroll, screenshots inside their column, CJK line breaks. */
function measure() {
  const vw = document.documentElement.clientWidth;
  const out = { vw, innerWidth, scrollWidth: document.documentElement.scrollWidth, wide: [], shots: [], kinsoku: [], frames: document.querySelectorAll(".shot-frame").length };
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > vw + 0.5 || r.left < -0.5) && !el.closest(".visually-hidden, .skip-link") && getComputedStyle(el).position !== "fixed") {
      out.wide.push(`${el.tagName.toLowerCase()}.${String(el.className).trim().replace(/\s+/g, ".")} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  for (const frame of document.querySelectorAll(".shot-frame")) {
    const img = frame.querySelector("img");
    const col = frame.closest(".step") || frame.parentElement;
    const [f, i, c] = [frame, img, col].map((e) => e.getBoundingClientRect());
    const bad = [];
    if (f.left < c.left - 0.5 || f.right > c.right + 0.5) bad.push(`frame [${Math.round(f.left)}, ${Math.round(f.right)}] outside its step [${Math.round(c.left)}, ${Math.round(c.right)}]`);
    if (i.left < f.left - 0.5 || i.right > f.right + 0.5) bad.push("image wider than its frame");
    if (f.right > vw + 0.5 || f.left < -0.5) bad.push("frame outside the viewport");
    if (i.height > innerHeight * 0.7 + 1) bad.push(`image ${Math.round(i.height)}px tall, over 70% of the ${innerHeight}px viewport`);
    if (!img.complete || !img.naturalWidth) bad.push("image did not load");
    const ratio = img.naturalWidth ? i.width / i.height / (img.naturalWidth / img.naturalHeight) : 1;
    if (Math.abs(ratio - 1) > 0.02) bad.push(`image distorted (displayed aspect ratio off by ${Math.round((ratio - 1) * 100)}%)`);
    for (const c2 of frame.querySelectorAll(".callout")) {
      const b = c2.getBoundingClientRect();
      if (b.left < i.left - 1 || b.right > i.right + 1 || b.top < i.top - 1 || b.bottom > i.bottom + 1) bad.push("a highlight box outside its screenshot");
    }
    if (bad.length) out.shots.push(`${img.getAttribute("src")}: ${bad.join("; ")}`);
  }
  // Kinsoku: no closing punctuation at the start of a line, no opening one at its end.
  const NO_START = new Set("，。、；：？！）」』】》〉｝］〕…‥・ー々,.;:?!)]}%");
  const NO_END = new Set("（「『【《〈｛［〔([{");
  const walker = document.createTreeWalker(document.querySelector("main") || document.body, NodeFilter.SHOW_TEXT);
  let prev = null;
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const p = node.parentElement;
    if (!p || p.closest("script, style, .visually-hidden, [hidden], .callout") || !p.closest(":lang(zh)")) continue;
    const text = node.data;
    for (let k = 0; k < text.length; k++) {
      if (/\s/.test(text[k])) continue;
      range.setStart(node, k);
      range.setEnd(node, k + 1);
      const rects = range.getClientRects();
      if (!rects.length) continue;
      const r = rects[0];
      if (r.width < 0.5) continue; // zero-width characters (a word joiner) start no line
      const block = p.closest("p, li, h1, h2, h3, dd, td, figcaption, a, span.question-meta, nav");
      if (prev && prev.block === block && r.top >= prev.bottom - 2) {
        // A new line began at this character.
        const ctx = (prev.ch + text[k]).trim();
        if (NO_START.has(text[k])) out.kinsoku.push(`a line starts with "${text[k]}" ("…${ctx}…" in ${block.tagName.toLowerCase()})`);
        if (NO_END.has(prev.ch)) out.kinsoku.push(`a line ends with "${prev.ch}" ("…${ctx}…" in ${block.tagName.toLowerCase()})`);
      }
      prev = { ch: text[k], bottom: r.bottom, block };
    }
  }
  return out;
}

/** Screenshot frames, by position on the page. */
const frames = () => Array.from(document.querySelectorAll(".shot-frame"), (f) => { const r = f.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; });

/**
 * Layout shift: each screenshot's frame has its final size before the image arrives, so
 * nothing moves when it loads. Measured with the images held back, then with them loaded.
 */
async function reservedSpace(browser, base, page, width) {
  const ctx = await browser.newContext({ viewport: { width, height: 800 }, ...(width < 760 ? PHONE : DESKTOP) });
  const tab = await ctx.newPage();
  await tab.route("**/img/**", (route) => route.abort());
  await tab.goto(base + page.path, { waitUntil: "load" });
  const before = await tab.evaluate(frames);
  await ctx.close();
  const { ctx: ctx2, tab: tab2 } = await open(browser, base, page, { width, height: 800 });
  const after = await tab2.evaluate(frames);
  await ctx2.close();
  return after
    .map((a, i) => (before[i] && Math.abs(before[i][0] - a[0]) <= 1 && Math.abs(before[i][1] - a[1]) <= 1 ? null : `screenshot ${i + 1} moves the page when it loads: its frame is ${before[i]} before and ${a} after (width, height)`))
    .filter(Boolean);
}

export async function layoutGate(browser, base, pages, widths) {
  const lines = [];
  let loads = 0;
  // The site's root page is a language picker that sends readers on at once (script, then
  // a meta refresh): each browser language must land on its index.
  for (const [locale, lang] of [["zh-CN", "zh"], ["en-US", "en"], ["fr-FR", "zh"]]) {
    const ctx = await browser.newContext({ locale });
    const tab = await ctx.newPage();
    await tab.goto(base, { waitUntil: "load" });
    await tab.waitForURL(`${base}${lang}/`, { timeout: 5000 }).catch(() => {});
    if (tab.url() !== `${base}${lang}/`) lines.push(`the root page sends a ${locale} browser to ${tab.url()}, not ${base}${lang}/`);
    await ctx.close();
  }
  for (const width of widths) {
    for (const page of pages) {
      const { ctx, tab, problems } = await open(browser, base, page, { width, height: width < 760 ? 780 : 900 });
      const fail = (m) => lines.push(`${page.name} at ${width}px: ${m}`);
      problems.forEach(fail);
      const m = await tab.evaluate(measure);
      loads++;
      if (m.vw !== width || m.innerWidth !== width) fail(`laid out ${m.vw}px wide (window ${m.innerWidth}px): the page is wider than the screen`);
      if (m.scrollWidth > m.vw) fail(`scrolls sideways: ${m.scrollWidth}px of content in ${m.vw}px; too wide: ${m.wide.slice(0, 5).join(", ")}`);
      else if (m.wide.length) fail(`content outside the screen: ${m.wide.slice(0, 5).join(", ")}`);
      m.shots.forEach(fail);
      [...new Set(m.kinsoku)].forEach(fail);
      await ctx.close();
      if (m.frames) (await reservedSpace(browser, base, page, width)).forEach(fail);
    }
  }
  return { ok: lines.length === 0, summary: `layout: ${loads} page loads at ${widths.join(", ")} px: sideways scroll, screenshots in their column and sized before they load, CJK line breaks`, lines };
}

// ---- screenshots -----------------------------------------------------------------------

export async function screenshots(browser, base, pages, widths, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  const lines = [];
  for (const page of pages) {
    for (const width of widths) {
      for (const scheme of ["light", "dark"]) {
        const { ctx, tab, problems } = await open(browser, base, page, { width, scheme, height: width < 760 ? 844 : 900 });
        problems.forEach((p) => lines.push(`${page.name} ${width}px ${scheme}: ${p}`));
        const file = path.join(dir, `${page.name}-${width}-${scheme}.png`);
        await tab.screenshot({ path: file, fullPage: true, animations: "disabled", caret: "hide" });
        files.push(file);
        await ctx.close();
      }
    }
  }
  return { ok: lines.length === 0, summary: `screenshots: ${files.length} full-page PNGs in ${path.relative(process.cwd(), dir) || dir}`, lines, files };
}

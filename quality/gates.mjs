#!/usr/bin/env node
// The page quality gates, run on a built copy of the example site (see quality/run.sh,
// which builds it and calls this):
//
//   node quality/gates.mjs --site DIR [--root .] [--out quality/out] [--only html,xml,axe,...]
//
// 1. html        every page and the stylesheet pass the Nu HTML Checker (vnu.jar)
//    xml         feeds and sitemap well-formed; sitemap valid against sitemaps.org's schema
// 2. axe         axe-core: no violations, light and dark, on the pages below
//    keyboard    skip link first, every control reachable by Tab, a visible focus ring
// 3. lighthouse  mobile preset: the scores in GATES on the seed tutorial and the indexes
// 4. layout      320, 390, 1280 and 1920 px: no sideways scroll, screenshots inside their
//                column, clean CJK line breaks
//    gaps        1280 and 1920 px: no gap over 64 px between blocks of a column, no card
//                64 px taller than what it holds (quality/lib/gaps.mjs)
//    screenshots the seed tutorial at 390 and 1280 px, zh and en, light and dark
//
// Everything it finds is printed; it exits 1 if any gate failed, 2 if it could not run.
// Reports and screenshots land in the --out folder (report.md is the summary).
import fs from "node:fs";
import path from "node:path";
import { serve } from "./lib/server.mjs";
import { checkHtml, checkXml } from "./lib/html.mjs";
import { launch, axeGate, keyboardGate, layoutGate, screenshots } from "./lib/browser.mjs";
import { gapGate } from "./lib/gaps.mjs";
import { lighthouseGate } from "./lib/lighthouse.mjs";

// The lowest acceptable Lighthouse score per category. 100 everywhere; a lower gate must
// be explained in README.md ("Quality gates").
const GATES = { performance: 100, accessibility: 100, "best-practices": 100, seo: 100 };

const SEED = "cross-border-ec/amazon/forgot-password/";
const CATEGORY = "cross-border-ec/amazon/";
const TOP_CATEGORY = "cross-border-ec/";
const hasResults = () => document.querySelectorAll("#search-results li").length > 0;
// liveSearch is typed into the header box; a single character (密) and a word being typed
// (pass) must already show results.
const PAGES = [
  { name: "index-zh", path: "zh/", lang: "zh", liveSearch: "密" },
  { name: "index-en", path: "en/", lang: "en", liveSearch: "pass" },
  { name: "category-zh", path: `zh/${CATEGORY}`, lang: "zh" },
  { name: "category-en", path: `en/${CATEGORY}`, lang: "en" },
  { name: "category-top-zh", path: `zh/${TOP_CATEGORY}`, lang: "zh" },
  { name: "tutorial-zh", path: `zh/${SEED}`, lang: "zh" },
  { name: "tutorial-en", path: `en/${SEED}`, lang: "en" },
  { name: "side-by-side-en", path: `en/${SEED}side-by-side.html`, lang: "en" },
  { name: "search-zh", path: `zh/search/?q=${encodeURIComponent("忘记密码")}`, lang: "zh", ready: hasResults },
  { name: "search-en", path: "en/search/?q=forgot+password", lang: "en", ready: hasResults },
  { name: "tags-zh", path: "zh/tags/", lang: "zh" },
  { name: "tag-en", path: "en/tags/amazon/", lang: "en" },
  { name: "not-found", path: "zh/no-such-page/", lang: "zh", status: 404 },
];
const page = (name) => PAGES.find((p) => p.name === name);
const LIGHTHOUSE_PAGES = ["tutorial-zh", "tutorial-en", "index-zh", "index-en"].map(page);
const SCREENSHOT_PAGES = ["tutorial-zh", "tutorial-en"].map(page);
// The largest vertical gap a column may have between two of its blocks, and the most empty
// space a card may have under its content, at desktop widths (the gaps gate).
const MAX_GAP = 64;

function args() {
  const a = { root: ".", out: "quality/out", only: null };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, "");
    if (!["site", "root", "out", "only", "chromium"].includes(k) || i + 1 >= argv.length) {
      console.error(`usage: node quality/gates.mjs --site DIR [--root DIR] [--out DIR] [--only html,xml,axe,keyboard,lighthouse,layout,gaps,screenshots] [--chromium PATH]`);
      process.exit(2);
    }
    a[k] = argv[++i];
  }
  if (!a.site) {
    console.error("gates: --site DIR (a built site) is required");
    process.exit(2);
  }
  return a;
}

function chromiumPath(given) {
  const candidates = [given, process.env.STEPWISE_CHROMIUM, process.env.CHROME_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  const found = candidates.find((p) => p && fs.existsSync(p));
  if (!found) {
    console.error("gates: Chromium not found: install it (`apt-get install chromium`) or set STEPWISE_CHROMIUM");
    process.exit(2);
  }
  return found;
}

function baseUrl(root) {
  const toml = fs.readFileSync(path.join(root, "site.toml"), "utf8");
  const m = toml.match(/^\s*base_url\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error("no base_url in site.toml");
  return m[1];
}

async function main() {
  const a = args();
  const site = path.resolve(a.site);
  const out = path.resolve(a.out);
  const only = a.only ? new Set(a.only.split(",")) : null;
  const want = (g) => !only || only.has(g);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const chrome = chromiumPath(a.chromium);

  const results = [];
  const t0 = Date.now();
  async function gate(name, fn) {
    if (!want(name)) return;
    const t = Date.now();
    process.stdout.write(`gate ${name}: running...\n`);
    let r;
    try {
      r = await fn();
    } catch (e) {
      r = { ok: false, summary: `${name} could not run`, lines: [String(e && e.stack ? e.stack : e)] };
    }
    r.name = name;
    r.seconds = Math.round((Date.now() - t) / 100) / 10;
    results.push(r);
    console.log(`${r.ok ? "PASS" : "FAIL"} ${name} (${r.seconds} s): ${r.summary}`);
    for (const l of r.lines || []) console.log(`  - ${l}`);
    for (const l of r.notes || []) console.log(`  note: ${l}`);
  }

  await gate("html", () => checkHtml(site, out));
  await gate("xml", () => checkXml(site, baseUrl(a.root)));

  const server = await serve(site);
  let browser = null;
  try {
    if (["axe", "keyboard", "layout", "gaps", "screenshots"].some(want)) browser = await launch(chrome);
    await gate("axe", () => axeGate(browser, server.url, PAGES, out));
    await gate("keyboard", () => keyboardGate(browser, server.url, PAGES));
    await gate("layout", () => layoutGate(browser, server.url, PAGES, [320, 390, 1280, 1920]));
    await gate("gaps", () => gapGate(browser, server.url, PAGES, [1280, 1920], MAX_GAP));
    await gate("screenshots", () => screenshots(browser, server.url, SCREENSHOT_PAGES, [390, 1280], path.join(out, "screenshots")));
    if (browser) await browser.close();
    browser = null;
    await gate("lighthouse", () => lighthouseGate(chrome, server.url, LIGHTHOUSE_PAGES, GATES, out));
  } finally {
    if (browser) await browser.close();
    await server.close();
  }

  const failed = results.filter((r) => !r.ok);
  const seconds = Math.round((Date.now() - t0) / 1000);
  writeReport(out, results, seconds);
  console.log("");
  console.log(`quality gates: ${failed.length ? "FAILED: " + failed.map((r) => r.name).join(", ") : "all passed"} in ${seconds} s; report: ${path.relative(process.cwd(), path.join(out, "report.md"))}`);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

function writeReport(out, results, seconds) {
  const lh = results.find((r) => r.name === "lighthouse");
  let md = `# Quality gates\n\n${new Date().toISOString()}, ${seconds} s\n\n| gate | result | seconds | summary |\n|---|---|---|---|\n`;
  for (const r of results) md += `| ${r.name} | ${r.ok ? "pass" : "**FAIL**"} | ${r.seconds} | ${r.summary.replace(/\|/g, "/")} |\n`;
  if (lh && lh.scores) {
    md += `\n## Lighthouse (mobile preset)\n\n| page | performance | accessibility | best practices | SEO | runs | FCP | LCP | TBT | CLS | SI |\n|---|---|---|---|---|---|---|---|---|---|---|\n`;
    for (const s of lh.scores) {
      const m = s.metrics;
      md += `| ${s.page} | ${s.performance} | ${s.accessibility} | ${s["best-practices"]} | ${s.seo} | ${s.runs.length} | ${m["first-contentful-paint"]} | ${m["largest-contentful-paint"]} | ${m["total-blocking-time"]} | ${m["cumulative-layout-shift"]} | ${m["speed-index"]} |\n`;
    }
  }
  const problems = results.filter((r) => (r.lines || []).length || (r.notes || []).length);
  if (problems.length) {
    md += `\n## Findings\n`;
    for (const r of problems) {
      md += `\n### ${r.name}\n\n`;
      for (const l of r.lines || []) md += `- ${l.replace(/\n/g, " ")}\n`;
      for (const l of r.notes || []) md += `- note: ${l.replace(/\n/g, " ")}\n`;
    }
  }
  const shots = results.find((r) => r.name === "screenshots");
  if (shots && shots.files) md += `\n## Screenshots\n\n${shots.files.map((f) => `- [${path.basename(f)}](screenshots/${path.basename(f)})`).join("\n")}\n`;
  fs.writeFileSync(path.join(out, "report.md"), md);
  fs.writeFileSync(path.join(out, "report.json"), JSON.stringify(results, null, 2));
}

main().catch((e) => {
  console.error(`gates: ${e && e.stack ? e.stack : e}`);
  process.exit(2);
});

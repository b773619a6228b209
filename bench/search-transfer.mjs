// What one search costs a reader: headless Chromium opens a built site's index page, types
// a query into the header box one key at a time (120 ms apart, as a quick typist), waits
// for the live results, and sums every response fetched from the first key press to the
// results shown (the DevTools protocol's Network events, as quality/ uses). Then it opens
// the results page for the same query and sums what that page fetches for its results.
//
//   node bench/search-transfer.mjs PUBLIC [QUERY...]       # default queries: 密码 password
//   node bench/search-transfer.mjs /dev/shm/me/site-100000/public 密 pass
//
// Prints, per query: requests, bytes uncompressed (response bodies) and bytes on the wire
// with gzip (quality/lib/server.mjs compresses as a static host does). Needs Chromium and
// quality/'s node modules (`cd quality && npm ci`).
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { serve } from "../quality/lib/server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../quality/package.json"));
const { chromium } = require("playwright-core");

const [publicDir, ...rest] = process.argv.slice(2);
if (!publicDir) {
  console.error("usage: node bench/search-transfer.mjs PUBLIC [QUERY...]");
  process.exit(2);
}
const queries = rest.length ? rest : ["密码", "password"];
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";

/** Counts the responses of `tab` while `during` runs: [requests, decoded bytes, wire bytes]. */
async function measure(tab, during) {
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  const seen = new Map();
  cdp.on("Network.dataReceived", (e) => {
    const r = seen.get(e.requestId) || { body: 0, wire: 0, url: "" };
    r.body += e.dataLength;
    seen.set(e.requestId, r);
  });
  cdp.on("Network.responseReceived", (e) => {
    const r = seen.get(e.requestId) || { body: 0, wire: 0, url: "" };
    r.url = e.response.url;
    seen.set(e.requestId, r);
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = seen.get(e.requestId) || { body: 0, wire: 0, url: "" };
    r.wire = e.encodedDataLength;
    seen.set(e.requestId, r);
  });
  await during();
  await cdp.detach();
  const list = [...seen.values()].filter((r) => r.url);
  return { requests: list.length, body: list.reduce((s, r) => s + r.body, 0), wire: list.reduce((s, r) => s + r.wire, 0), list };
}

const server = await serve(publicDir);
const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
let failed = false;
try {
  for (const query of queries) {
    const lang = /[\u3040-\u9fff]/.test(query) ? "zh" : "en";
    // Typed into the header box of the language's index page.
    const ctx = await browser.newContext();
    const tab = await ctx.newPage();
    await tab.goto(server.url + lang + "/", { waitUntil: "load" });
    const live = await measure(tab, async () => {
      await tab.focus("#search-q");
      await tab.keyboard.type(query, { delay: 120 });
      // A query that finds nothing shows nothing: give up after 20 s and report 0 results.
      await tab.waitForSelector("#search-live:not([hidden]) a", { timeout: 20000 }).catch(() => null);
      await tab.waitForLoadState("networkidle");
    });
    const shown = await tab.$$eval("#search-live li a", (a) => a.length);
    await ctx.close();
    // The results page, opened from a link (?q=).
    const ctx2 = await browser.newContext();
    const tab2 = await ctx2.newPage();
    const page = await measure(tab2, async () => {
      await tab2.goto(server.url + lang + "/search/?q=" + encodeURIComponent(query), { waitUntil: "load" });
      await tab2.waitForSelector("#search-results li", { timeout: 20000 }).catch(() => null);
      await tab2.waitForLoadState("networkidle");
    });
    const search = page.list.filter((r) => /search/.test(r.url) && !/\/search\/(\?|$)/.test(r.url));
    const pageBody = search.reduce((s, r) => s + r.body, 0);
    const pageWire = search.reduce((s, r) => s + r.wire, 0);
    const results = await tab2.$$eval("#search-results li", (l) => l.length);
    await ctx2.close();
    console.log(`${query}: typed in the box: ${live.requests} requests, ${kb(live.body)} uncompressed, ${kb(live.wire)} gzip (${shown} results shown)`);
    console.log(`${query}: results page:     ${search.length} requests, ${kb(pageBody)} uncompressed, ${kb(pageWire)} gzip (${results} results, search.js and index files only)`);
    if (process.env.VERBOSE) for (const r of [...live.list, ...search]) console.log("   ", kb(r.body), r.url.replace(server.url, "/"));
  }
} catch (e) {
  console.error(String(e));
  failed = true;
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);

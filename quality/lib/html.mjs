// Gate 1: valid HTML and CSS (the Nu HTML Checker, vnu.jar, run with the machine's Java),
// and well-formed XML checked against the sitemaps.org schema and Atom's rules (XmlCheck.java).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);

export function walk(dir, pred, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out.sort();
}

/** vnu on every HTML page and CSS file of the site: any error or warning fails. */
export function checkHtml(site, outDir) {
  const jar = require.resolve("vnu-jar");
  const vnu = path.join(path.dirname(jar), "build", "dist", "vnu.jar");
  const pages = walk(site, (p) => p.endsWith(".html"));
  const css = walk(site, (p) => p.endsWith(".css"));
  if (pages.length === 0) return { ok: false, lines: [`no HTML pages in ${site}`] };
  const r = spawnSync("java", ["-jar", vnu, "--format", "json", "--also-check-css", ...pages, ...css], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    return { ok: false, lines: [`vnu.jar did not run: ${r.error || r.stderr}`] };
  }
  let report;
  try {
    report = JSON.parse(r.stderr || r.stdout);
  } catch {
    return { ok: false, lines: [`vnu.jar printed no JSON report: ${(r.stderr || r.stdout).slice(0, 500)}`] };
  }
  fs.writeFileSync(path.join(outDir, "vnu.json"), JSON.stringify(report, null, 2));
  const problems = report.messages.filter((m) => m.type === "error" || (m.type === "info" && m.subType === "warning") || m.type === "non-document-error");
  const lines = problems.map((m) => {
    const file = (m.url || "").replace(/^file:/, "");
    const where = m.lastLine ? `:${m.lastLine}:${m.firstColumn || m.lastColumn || 0}` : "";
    return `${m.type === "info" ? "warning" : "error"}: ${path.relative(site, file) || file}${where}: ${m.message}${m.extract ? `\n    ${m.extract.replace(/\n/g, " ")}` : ""}`;
  });
  return {
    ok: problems.length === 0,
    summary: `vnu ${report.version}: ${pages.length} HTML pages and ${css.length} stylesheet(s), ${problems.length} errors/warnings`,
    lines,
    counts: { pages: pages.length, stylesheets: css.length, errors: problems.length },
  };
}

/** Feeds and sitemap: well-formed, the sitemap valid against the sitemaps.org schema. */
export function checkXml(site, baseUrl) {
  const r = spawnSync("java", [path.join(here, "XmlCheck.java"), path.join(here, "..", "schemas"), site, baseUrl], {
    encoding: "utf8",
  });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    return { ok: false, lines: [`XmlCheck.java did not run: ${r.error || r.stderr}`] };
  }
  const out = r.stdout.trim().split("\n");
  const summary = out.pop();
  return { ok: r.status === 0, summary, lines: out.map((l) => l.replace(site + "/", "")) };
}

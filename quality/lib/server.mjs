// A tiny static file server for the built site, on 127.0.0.1 and a free port: what a static
// host or CDN does for these pages (index.html for folders, content types, gzip for text,
// 404.html for what is missing), and nothing else. No network beyond loopback.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};
const COMPRESSIBLE = new Set([".html", ".css", ".js", ".json", ".xml", ".txt", ".svg"]);

function resolve(root, urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return null;
  }
  const full = path.resolve(root, "." + path.posix.normalize("/" + p));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  try {
    const st = fs.statSync(full);
    if (st.isDirectory()) {
      if (!p.endsWith("/")) return { redirect: p + "/" };
      const index = path.join(full, "index.html");
      return fs.existsSync(index) ? { file: index } : null;
    }
    return st.isFile() ? { file: full } : null;
  } catch {
    return null;
  }
}

function send(req, res, status, file) {
  const ext = path.extname(file).toLowerCase();
  let body = fs.readFileSync(file);
  const headers = {
    "Content-Type": TYPES[ext] || "application/octet-stream",
    // Hashed image names may be cached for ever; pages and theme files revalidate.
    "Cache-Control": file.includes(`${path.sep}img${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache",
    "X-Content-Type-Options": "nosniff",
  };
  if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
    body = zlib.gzipSync(body);
    headers["Content-Encoding"] = "gzip";
    headers["Vary"] = "Accept-Encoding";
  }
  headers["Content-Length"] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Serves `root`; resolves to { url, close() } once listening. */
export function serve(root) {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    const hit = resolve(root, req.url);
    if (hit && hit.redirect) {
      res.writeHead(301, { Location: hit.redirect }).end();
    } else if (hit) {
      send(req, res, 200, hit.file);
    } else {
      const notFound = path.join(root, "404.html");
      if (fs.existsSync(notFound)) send(req, res, 404, notFound);
      else res.writeHead(404).end();
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

//! The HTTP side, pure parts: which `Host` and `Origin` values name this server, request
//! paths -> keys of the served files, content types, the Content-Security-Policy, and the
//! live-reload script added to HTML responses.
//!
//! Only keys of the in-memory file map are ever served, so no request path can reach a
//! file the build did not produce; the checks here still refuse every path that tries
//! (`..`, `%2e%2e`, encoded slashes and backslashes, NUL, `//host` forms) with a 400.

use std::net::IpAddr;

/// The `Host` values a request may carry: the server's own names with its port. A page
/// of another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its own name,
/// and is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hosts {
    port: u16,
    /// The bind address, when it is not loopback (`--bind 192.168.1.5`).
    bound: Option<IpAddr>,
    /// Bound to every address (`0.0.0.0`, `::`): other machines name it by one of the
    /// machine's addresses, which are not known here. An address typed as digits cannot
    /// be rebound by DNS, so any address literal is taken; names other than `localhost`
    /// are not.
    any_address: bool,
}

impl Hosts {
    pub(crate) fn new(bind: IpAddr, port: u16) -> Hosts {
        Hosts {
            port,
            bound: (!bind.is_loopback() && !bind.is_unspecified()).then_some(bind),
            any_address: bind.is_unspecified(),
        }
    }

    /// Whether a request's `Host` header names this server.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let (name, port) = match host.strip_prefix('[') {
            Some(rest) => match rest.split_once(']') {
                Some((v6, after)) => (v6, after),
                None => return false,
            },
            None => match host.find(':') {
                Some(i) => (&host[..i], &host[i..]),
                None => (host, ""),
            },
        };
        let port_ok = match port.strip_prefix(':') {
            Some(p) => p.parse::<u16>().ok() == Some(self.port) && !p.starts_with('+'),
            None => port.is_empty() && self.port == 80,
        };
        if !port_ok {
            return false;
        }
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        // An IPv6 address only in brackets, an IPv4 one only without.
        let ip: Option<IpAddr> = if host.starts_with('[') {
            name.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
        } else {
            name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
        };
        match ip {
            Some(ip) => ip.is_loopback() || self.bound == Some(ip) || self.any_address,
            None => false,
        }
    }
}

/// Whether a write request's `Origin` is the server's own: the page that sent it was
/// served by this server under the name the request uses (`host`, checked already).
pub(crate) fn is_own_origin(origin: &str, host: &str) -> bool {
    origin.strip_prefix("http://").is_some_and(|o| o.eq_ignore_ascii_case(host))
}

/// Why a request path was refused (400 Bad Request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadPath {
    /// Not an absolute path (`*`, `http://...`, no leading `/`).
    NotAbsolute,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// `.` or `..`, an empty segment, or a segment holding `/`, `\`, NUL or a control.
    BadSegment,
}

/// The served file a request path names: `/zh/help/` -> `zh/help/index.html`. The query
/// string and fragment are dropped; each segment is percent-decoded once.
pub(crate) fn resolve(target: &str) -> Result<String, BadPath> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix('/').ok_or(BadPath::NotAbsolute)?;
    if rest.is_empty() {
        return Ok("index.html".into());
    }
    let mut key = String::with_capacity(rest.len() + 10);
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, raw) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if raw.is_empty() {
            if last {
                break; // a trailing slash: the folder's index.html
            }
            return Err(BadPath::BadSegment);
        }
        let seg = percent_decode(raw)?;
        if seg == "." || seg == ".." || seg.chars().any(|c| c == '/' || c == '\\' || c.is_control()) {
            return Err(BadPath::BadSegment);
        }
        key.push_str(&seg);
        key.push('/');
    }
    if rest.ends_with('/') {
        key.push_str("index.html");
    } else {
        key.pop();
    }
    Ok(key)
}

fn percent_decode(s: &str) -> Result<String, BadPath> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or(BadPath::BadEncoding)?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| BadPath::BadEncoding)
}

/// The `Content-Type` of a served file, by its extension.
pub(crate) fn content_type(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => {
            if key.ends_with("atom.xml") {
                "application/atom+xml; charset=utf-8"
            } else {
                "application/xml; charset=utf-8"
            }
        }
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

pub(crate) fn is_html(key: &str) -> bool {
    content_type(key).starts_with("text/html")
}

/// The browser may fetch nothing but this server: served pages cannot reach the network.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     form-action 'self'; base-uri 'self'";

/// The same in edit mode, where the editor may also show a screenshot it fetched itself
/// (the unredacted source, as a `blob:` URL).
pub(crate) const EDIT_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; \
     form-action 'self'; base-uri 'self'";

/// The live-reload client: reloads after a rebuild, keeping the scroll position; shows
/// and clears the error overlay; `EventSource` reconnects by itself when the server
/// restarts, and a page built before the restart reloads then (the build ids differ).
/// A hidden tab closes its stream (browsers give a site six connections: a seventh tab
/// would stall) and opens it again when shown, reloading if the build changed meanwhile.
/// A stream the server refuses (too many open) is tried again a few seconds later.
const RELOAD_SCRIPT: &str = r#"<script id="stepwise-live">(function () {
  var build = "BUILD_ID", key = "stepwise-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var restore = function () { window.scrollTo(0, +saved); };
    if (document.readyState === "complete") restore(); else addEventListener("load", restore);
  }
  function reload(id) {
    if (id === build) return;
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }
  function overlay(e) {
    var box = document.getElementById("stepwise-overlay");
    if (!e) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "stepwise-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1em 1.25em;background:#2b0d0d;color:#ffe9e9;border-top:4px solid #e5484d;" +
        "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var head = document.createElement("strong");
    head.textContent = e.file + (e.line ? ":" + e.line + ":" + e.col : "") + ": " + e.message;
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:.75em 0 0;font:inherit";
    pre.textContent = e.text;
    box.appendChild(head);
    box.appendChild(pre);
  }
  var events = null, retry = null;
  function connect() {
    if (events || document.hidden) return;
    var source = events = new EventSource("/__stepwise/events");
    source.addEventListener("hello", function (m) { var s = JSON.parse(m.data); overlay(s.error); reload(s.build); });
    source.addEventListener("reload", function (m) { reload(m.data); });
    source.addEventListener("build-error", function (m) { overlay(JSON.parse(m.data)); });
    source.onerror = function () {
      if (source.readyState !== EventSource.CLOSED || events !== source) return;
      events = null;
      clearTimeout(retry);
      retry = setTimeout(connect, 5000);
    };
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { connect(); return; }
    clearTimeout(retry);
    if (events) { events.close(); events = null; }
  });
  connect();
})();</script>
"#;

/// `html` with the live-reload script, then `extra` (the edit-mode scripts, or nothing),
/// added before `</body>` (at the end without one).
pub(crate) fn inject_scripts(html: &[u8], build_id: &str, extra: &str) -> Vec<u8> {
    let script = RELOAD_SCRIPT.replace("BUILD_ID", build_id);
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The page for a path with nothing behind it, when the site has no 404 page of its own.
pub(crate) fn not_found_page(path: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;\
         max-width:40em;margin:3em auto;padding:0 1em\"><h1>Not found</h1>\n<p>Nothing is served at <code>{}</code>. \
         <a href=\"/\">Go to the home page</a>.</p>\n</body></html>\n",
        crate::markdown::escape(path)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_keys() {
        assert_eq!(resolve("/").unwrap(), "index.html");
        assert_eq!(resolve("/zh/").unwrap(), "zh/index.html");
        assert_eq!(resolve("/zh/help/first/?x=1#top").unwrap(), "zh/help/first/index.html");
        assert_eq!(resolve("/static/style.css").unwrap(), "static/style.css");
        assert_eq!(resolve("/zh/tags/%E6%94%AF%E4%BB%98/").unwrap(), "zh/tags/支付/index.html");
        assert_eq!(resolve("/zh/help").unwrap(), "zh/help");
    }

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../site.toml",
            "/zh/../../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/zh/..%2f..%2fsite.toml",
            "/zh/%2e%2e%5csite.toml",
            "/zh/./index.html",
            "//etc/passwd",
            "/zh//index.html",
            "/a%00b",
            "/%zz",
            "/%c0%ae%c0%ae/site.toml",
        ] {
            assert!(resolve(bad).is_err(), "{bad} was accepted as {:?}", resolve(bad));
        }
        assert_eq!(resolve("etc/passwd"), Err(BadPath::NotAbsolute));
        assert_eq!(resolve("http://example.com/"), Err(BadPath::NotAbsolute));
        assert_eq!(resolve("*"), Err(BadPath::NotAbsolute));
    }

    #[test]
    fn content_types_carry_the_charset_of_text() {
        assert_eq!(content_type("zh/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("zh/search-index.json"), "application/json");
        assert_eq!(content_type("zh/atom.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("img/a-480.0123.png"), "image/png");
        assert_eq!(content_type("img/a-480.0123.webp"), "image/webp");
    }

    #[test]
    fn the_script_goes_before_the_body_closes() {
        let out = String::from_utf8(inject_scripts(b"<html><body><p>x</p></body></html>", "7-3", "")).unwrap();
        assert!(out.ends_with("})();</script>\n</body></html>"), "{out}");
        assert!(out.contains("var build = \"7-3\""));
        let bare = String::from_utf8(inject_scripts(b"<p>x</p>", "1", "")).unwrap();
        assert!(bare.starts_with("<p>x</p><script id=\"stepwise-live\">"));
        let edit = String::from_utf8(inject_scripts(b"<body></body>", "1", "<script>E</script>")).unwrap();
        assert!(edit.ends_with("})();</script>\n<script>E</script></body>"), "{edit}");
    }

    #[test]
    fn only_the_servers_own_names_are_hosts() {
        let local = Hosts::new("127.0.0.1".parse().unwrap(), 1111);
        for ok in ["127.0.0.1:1111", "localhost:1111", "LocalHost:1111", "[::1]:1111", "127.0.0.2:1111"] {
            assert!(local.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "localhost",
            "localhost:1112",
            "localhost:01111x",
            "127.0.0.1",
            "192.168.1.5:1111",
            "[::1]",
            "::1:1111",
            "localhost.evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "localhost:+1111",
            "",
            "[::1:1111",
        ] {
            assert!(!local.allows(bad), "{bad}");
        }
        let lan = Hosts::new("192.168.1.5".parse().unwrap(), 8080);
        assert!(lan.allows("192.168.1.5:8080") && lan.allows("localhost:8080"));
        assert!(!lan.allows("192.168.1.6:8080") && !lan.allows("myhost.local:8080"));
        let any = Hosts::new("0.0.0.0".parse().unwrap(), 80);
        assert!(any.allows("10.0.0.7") && any.allows("10.0.0.7:80") && any.allows("[fe80::1]:80"));
        assert!(!any.allows("rebound.example") && !any.allows("10.0.0.7:81"));
    }

    #[test]
    fn the_origin_must_be_the_host_itself() {
        assert!(is_own_origin("http://localhost:1111", "localhost:1111"));
        assert!(is_own_origin("http://127.0.0.1:1111", "127.0.0.1:1111"));
        assert!(!is_own_origin("http://127.0.0.1:1111", "localhost:1111"));
        assert!(!is_own_origin("https://localhost:1111", "localhost:1111"));
        assert!(!is_own_origin("null", "localhost:1111"));
        assert!(!is_own_origin("http://localhost:1111.evil.example", "localhost:1111"));
    }
}

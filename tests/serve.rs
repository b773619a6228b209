//! `stepwise serve` end to end: the real binary on a free port, spoken to over raw TCP
//! (so request paths reach it exactly as written), a copy of a fixture edited under it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::util::{TestSite, headless_chromium};

/// How long anything the server does may take: generous, for a loaded CI machine.
const WAIT: Duration = Duration::from_secs(15);

/// A running `stepwise serve`, killed when dropped (a failed assertion included).
pub struct Serve {
    child: Child,
    pub port: u16,
    pub stdout: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Serve {
    pub fn start(root: &Path, port: u16) -> Serve {
        Serve::start_with(root, port, &[])
    }

    /// With more arguments (`--bind`, `--edit`).
    pub fn start_with(root: &Path, port: u16, args: &[&str]) -> Serve {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stepwise"));
        cmd.args(["serve", "--port", &port.to_string(), "--root"]).arg(root).args(args);
        Serve::spawn(cmd)
    }

    /// The `Host` a browser sends for the server.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// As a writer runs it: in the site folder, without `--root` (the root is `.`).
    fn start_here(root: &Path, port: u16) -> Serve {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stepwise"));
        cmd.args(["serve", "--port", &port.to_string()]).current_dir(root);
        Serve::spawn(cmd)
    }

    fn spawn(mut cmd: Command) -> Serve {
        let mut child = cmd
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start stepwise serve");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut serve = Serve { child, port: 0, stdout: String::new() };
        let deadline = Instant::now() + WAIT;
        // Up to the last line of the start: the address, edit mode, then `watching`.
        while !serve.stdout.contains("\nwatching ") {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no `serving` and `watching` lines; stdout so far: {}", serve.stdout));
            serve.stdout.push_str(&line);
            serve.stdout.push('\n');
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                serve.port = rest.split('/').next().unwrap().parse().unwrap();
            }
        }
        assert_ne!(serve.port, 0, "no `serving` line: {}", serve.stdout);
        serve
    }

    pub fn get(&self, path: &str) -> Reply {
        request(self.port, "GET", path)
    }

    pub fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__stepwise/status").body).unwrap()
    }

    /// Polls the status until `ok` holds for it.
    pub fn wait_status(&self, what: &str, ok: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.status();
            if ok(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; status: {s}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// An open event stream: its lines arrive on the receiver.
    pub fn events(&self) -> Receiver<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "GET /__stepwise/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
            self.port
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        rx
    }
}

/// Reads event-stream lines until `event: {name}`; returns its data line.
pub fn wait_event(rx: &Receiver<String>, name: &str) -> String {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no `event: {name}` within {WAIT:?}; got {seen:?}"));
        if line == format!("event: {name}") {
            let data = rx.recv_timeout(WAIT).unwrap();
            return data.strip_prefix("data: ").unwrap_or(&data).to_string();
        }
        seen.push(line);
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One request on its own connection, the path sent byte for byte.
pub fn request(port: u16, method: &str, path: &str) -> Reply {
    send(port, format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").as_bytes())
}

/// Sends `raw` on a new connection and reads the reply until the server closes it.
pub fn send(port: u16, raw: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    // A server may answer before the whole request is sent (413 for a body over its
    // limit) and close: the rest of the write then fails, and the answer is still read.
    let _ = stream.write_all(raw);
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    parse_reply(&raw)
}

pub fn parse_reply(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    Reply { status, headers, body: body.to_string() }
}

/// A relative link resolved against a page's path, as a browser does.
fn join(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.trim_end_matches('/').split('/').collect();
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    // As editors do: write a temporary file, then rename it over the original.
    let tmp = path.with_extension("yaml.tmp");
    std::fs::write(&tmp, text.replace(from, to)).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

const PAGE: &str = "/en/help/first/";

#[test]
fn serves_pages_with_the_reload_script_and_nothing_else() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());

    for path in ["/", "/zh/", PAGE] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"), "{path}");
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{path}");
        assert!(r.body.contains("new EventSource(\"/__stepwise/events\")"), "{path}: no reload script");
        assert_eq!(r.body.matches("id=\"stepwise-live\"").count(), 1, "{path}");
        let script = r.body.find("id=\"stepwise-live\"").unwrap();
        assert!(script < r.body.rfind("</body>").unwrap(), "{path}: the script is inside the body");
    }
    // Search indexes, feeds and the sitemap follow each build (made just after it).
    let deadline = Instant::now() + WAIT;
    while server.get("/zh/search-index.json").status != 200 {
        assert!(Instant::now() < deadline, "no search index served");
        std::thread::sleep(Duration::from_millis(25));
    }
    let index = server.get("/zh/search-index.json");
    assert_eq!(index.header("Content-Type"), Some("application/json"));
    assert!(index.body.contains("\"v\":2"));
    // Titles come in small files, fetched for the results shown.
    assert!(server.get("/zh/search/meta-0.json").body.contains("第一个问题"));
    assert!(server.get("/sitemap.xml").body.contains("<urlset"));
    assert!(server.get("/en/atom.xml").body.contains("<feed"));
    assert_eq!(server.get("/search.js").status, 200);

    let page = server.get(PAGE);
    assert!(page.body.contains("The first question"));
    // Nothing on the page loads from elsewhere, and the policy forbids it anyway.
    for attr in ["src=\"http", "src=\"//", "href=\"//"] {
        assert!(!page.body.contains(attr), "the page loads from the network: {attr}");
    }
    assert!(page.header("Content-Security-Policy").unwrap().contains("default-src 'self'"));

    // The screenshot and the stylesheet the page names are served, with their types.
    let img = crate::util::tags_with(&page.body, "img", "src=");
    let src = crate::util::attr(img[0], "src").unwrap();
    let src = join(PAGE, src);
    let r = server.get(&src);
    assert_eq!((r.status, r.header("Content-Type")), (200, Some("image/png")), "{src}");
    let css = crate::util::tags_with(&page.body, "link", "stylesheet");
    let href = crate::util::attr(css[0], "href").unwrap();
    let r = server.get(&join(PAGE, href));
    assert_eq!((r.status, r.header("Content-Type")), (200, Some("text/css; charset=utf-8")), "{href}");

    // HEAD: the headers of GET, no body.
    let head = request(server.port, "HEAD", PAGE);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(head.body.is_empty());
    assert!(head.header("Content-Length").unwrap().parse::<usize>().unwrap() > 0);

    let missing = server.get("/en/no-such-page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(missing.body.contains("stepwise-live"), "the 404 page reloads too");
    assert_eq!(server.get("/en/help/first").header("Location"), Some("/en/help/first/"));

    let status = server.status();
    assert_eq!(status["ok"], true, "{status}");

    // Only what the build produced: nothing beside it, however the path is spelled.
    std::fs::write(site.root.join("secret.txt"), "TOP SECRET").unwrap();
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2e%2e/site.toml",
        "/zh/..%2f..%2fsite.toml",
        "/zh/..%5c..%5csite.toml",
        "//etc/passwd",
        "/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/site.toml",
        "/secret.txt",
        "/content/help/first.yaml",
        "/zh/%00",
        "/etc/passwd",
    ] {
        let r = server.get(path);
        assert!(r.status == 400 || r.status == 404, "{path} got {}", r.status);
        for leak in ["base_url", "root:", "TOP SECRET", "第一个问题, en"] {
            assert!(!r.body.contains(leak), "{path} leaked {leak:?}");
        }
    }
    // A symlink in the content folder that leads out is refused by the build, never served.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", site.root.join("content/help/passwd.png")).unwrap();
        assert_eq!(server.get("/content/help/passwd.png").status, 404);
        assert_eq!(server.get("/en/help/passwd.png").status, 404);
    }

    assert!(!site.exists("public"), "serve must not write public/");
}

#[test]
fn edits_reload_and_a_broken_edit_shows_until_fixed() {
    let site = TestSite::fixture("minimal");
    // A user's own public/ must come through a serve session untouched.
    site.write("public/keep.txt", "mine");
    let server = Serve::start(&site.root, free_port());
    let events = server.events();
    let hello = wait_event(&events, "hello");
    assert!(hello.contains("\"error\":null"), "{hello}");
    let yaml = site.root.join("content/help/first.yaml");

    // An edit: the reload event, then the new title on the page.
    edit(&yaml, "en: The first question", "en: The edited question");
    let build = wait_event(&events, "reload");
    assert_eq!(server.status()["build"], build.as_str());
    let page = server.get(PAGE);
    assert!(page.body.contains("The edited question"), "{}", page.body);
    assert!(page.body.contains(&format!("var build = \"{build}\"")));

    // A broken edit: the error, where it is, and the last good page still served.
    edit(&yaml, "tags: [start]", "tags: [start");
    let data = wait_event(&events, "build-error");
    let error: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert!(error["file"].as_str().unwrap().ends_with("content/help/first.yaml"), "{error}");
    assert!(error["line"].as_u64().unwrap() >= 3, "{error}");
    assert!(error["message"].as_str().unwrap().contains("YAML"), "{error}");
    let status = server.wait_status("the error", |s| s["ok"] == false);
    assert_eq!(status["error"], error);
    assert!(status["error"]["text"].as_str().unwrap().starts_with("error: "), "{status}");
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The edited question"), "the last good page is served");
    // A page opened now learns of the error as soon as it connects.
    let late = server.events();
    assert!(wait_event(&late, "hello").contains("first.yaml"));

    // The next good save clears it by itself.
    edit(&yaml, "tags: [start", "tags: [start]");
    wait_event(&events, "reload");
    let status = server.wait_status("recovery", |s| s["ok"] == true);
    assert_eq!(status["error"], serde_json::Value::Null);
    assert!(server.get(PAGE).body.contains("The edited question"));

    // A new tutorial appears, with its category page listing it.
    site.write(
        "content/help/second.yaml",
        "title: {zh: 第二个, en: The second question}\ndate: 2024-02-03\ntags: [start]\n\
         steps:\n  - text: {zh: 好。, en: Fine.}\n",
    );
    wait_event(&events, "reload");
    assert!(server.get("/en/help/second/").body.contains("The second question"));
    assert!(server.get("/en/help/").body.contains("The second question"));
    assert!(server.get("/en/tags/start/").body.contains("The second question"));

    assert_eq!(site.read("public/keep.txt"), "mine");
    assert!(!site.exists("public/index.html"));
}

#[test]
fn a_taken_port_moves_to_the_next_and_says_so() {
    let site = TestSite::fixture("minimal");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = Serve::start(&site.root, port);
    assert_ne!(server.port, port);
    assert!(server.stdout.contains(&format!("(port {port} was taken)")), "{}", server.stdout);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_folder_without_site_toml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_stepwise"))
        .args(["serve", "--port", &free_port().to_string(), "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a stepwise site: no site.toml in"));
}

/// Headless Chromium, killed when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    /// Asks Chromium to quit first, so it reaps its own helper processes; kills it if
    /// it has not quit within a few seconds.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real browser holds a served page open; after an edit the page reloads itself: the
/// server sees the page requested again and the new page's event stream connect.
#[test]
fn an_open_page_reloads_in_a_real_browser() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let profile = tempfile::tempdir().unwrap();
    let child = headless_chromium(profile.path())
        // Keeps the browser running with the page open (nothing connects to it).
        .arg("--remote-debugging-port=0")
        .arg(format!("http://127.0.0.1:{}{PAGE}", server.port))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let _browser = Browser { child, _profile: profile };

    let before = server.wait_status("the page and its event stream", |s| s["page_loads"] == 1 && s["streams"] == 1);
    edit(&site.root.join("content/help/first.yaml"), "en: The first question", "en: Reloaded in the browser");
    let after = server
        .wait_status("the page to reload", |s| s["page_loads"].as_u64() >= Some(2) && s["streams"].as_u64() >= Some(2));
    assert_ne!(before["build"], after["build"]);
    assert!(server.get(PAGE).body.contains("Reloaded in the browser"));
}

#[test]
fn template_and_image_errors_show_and_clear() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let events = server.events();
    wait_event(&events, "hello");

    // A template error, in a folder that did not exist when serving began.
    site.write("templates/tutorial.html", "<main>{% if %}</main>");
    let error: serde_json::Value = serde_json::from_str(&wait_event(&events, "build-error")).unwrap();
    assert!(error["file"].as_str().unwrap().ends_with("templates/tutorial.html"), "{error}");
    assert!(server.get(PAGE).body.contains("The first question"), "the last good page is served");
    std::fs::remove_file(site.root.join("templates/tutorial.html")).unwrap();
    wait_event(&events, "reload");
    server.wait_status("recovery from the template error", |s| s["ok"] == true);

    // A template of the site's theme folder that fails while rendering names that file,
    // not `templates/` (the pipeline knows where each template came from).
    site.write("themes/default/templates/tutorial.html", "<main>{{ tutorial.nowhere.at_all }}</main>");
    let error: serde_json::Value = serde_json::from_str(&wait_event(&events, "build-error")).unwrap();
    assert!(error["file"].as_str().unwrap().ends_with("themes/default/templates/tutorial.html"), "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("/help/first/index.html: Field `nowhere` is not defined"),
        "{error}"
    );
    assert_eq!((error["line"].as_u64(), error["col"].as_u64()), (Some(1), Some(19)), "{error}");
    std::fs::remove_dir_all(site.root.join("themes")).unwrap();
    wait_event(&events, "reload");
    server.wait_status("recovery from the theme's template error", |s| s["ok"] == true);

    // A missing screenshot names the step's line.
    let yaml = site.root.join("content/help/first.yaml");
    edit(&yaml, "image: shot.png", "image: nope.png");
    let error: serde_json::Value = serde_json::from_str(&wait_event(&events, "build-error")).unwrap();
    assert!(error["file"].as_str().unwrap().ends_with("content/help/first.yaml"), "{error}");
    assert_eq!(error["line"], 6, "{error}");
    assert!(error["message"].as_str().unwrap().contains("does not exist"), "{error}");
    edit(&yaml, "image: nope.png", "image: shot.png");
    wait_event(&events, "reload");
    server.wait_status("recovery from the missing image", |s| s["ok"] == true);
}

#[test]
fn run_in_the_site_folder_it_sees_edits() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start_here(&site.root, free_port());
    assert!(server.get(PAGE).body.contains("The first question"));
    edit(&site.root.join("content/help/first.yaml"), "The first question", "The edited question");
    let deadline = Instant::now() + WAIT;
    while !server.get(PAGE).body.contains("The edited question") {
        assert!(Instant::now() < deadline, "the edit was never picked up with the root given as `.`");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[cfg(unix)]
#[test]
fn a_yaml_link_leading_out_is_never_quoted_in_the_status() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let events = server.events();
    wait_event(&events, "hello");
    std::os::unix::fs::symlink("/etc/passwd", site.root.join("content/help/passwd.yaml")).unwrap();
    let error: serde_json::Value = serde_json::from_str(&wait_event(&events, "build-error")).unwrap();
    assert!(error["file"].as_str().unwrap().ends_with("content/help/passwd.yaml"), "{error}");
    assert_eq!(error["message"], "the file is a link that leads outside `content/`; it was not read", "{error}");
    let status = server.wait_status("the error", |s| s["ok"] == false);
    assert!(!status.to_string().contains("root:"), "/etc/passwd is quoted: {status}");
    std::fs::remove_file(site.root.join("content/help/passwd.yaml")).unwrap();
    wait_event(&events, "reload");
    server.wait_status("recovery", |s| s["ok"] == true);
}

// ---------------------------------------------------------------- hosts and limits

/// DNS rebinding: a page of another site whose name resolves to 127.0.0.1 sends its own
/// name as `Host`. Every request is refused then, reads included (the status quotes
/// source lines while a build is broken).
#[test]
fn a_foreign_host_is_refused_even_for_reads() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let port = server.port;
    for path in ["/__stepwise/status", "/en/help/first/", "/__stepwise/events"] {
        for host in ["rebound.example:PORT", "localhost.evil.example:PORT", "127.0.0.1", "localhost:1"] {
            let host = host.replace("PORT", &port.to_string());
            let r = send(port, format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
            assert_eq!(r.status, 403, "{path} with Host {host}: {}", r.body);
            let body = r.json();
            assert_eq!(body["error"], "bad_host", "{body}");
            assert!(!r.body.contains("The first question") && !r.body.contains("\"build\""), "{}", r.body);
        }
    }
    // No Host at all (HTTP/1.0).
    let r = send(port, b"GET /__stepwise/status HTTP/1.0\r\n\r\n");
    assert_eq!(r.status, 403);
    // The server's own names are answered.
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("LOCALHOST:{port}")] {
        let r = send(
            port,
            format!("GET /__stepwise/status HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert_eq!(r.status, 200, "{host}");
    }
}

/// The memory a process holds now (Linux), in KB.
#[cfg(target_os = "linux")]
fn process_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// One connection sending an endless header: refused at 32 KB, the connection closed,
/// the server's memory as it was (tiny_http read 300 MB into memory and kept it).
#[test]
#[cfg(target_os = "linux")]
fn a_huge_header_is_refused_quickly_without_memory_growth() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let before = process_status(server.pid(), "VmRSS:");
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    let start = Instant::now();
    write!(stream, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Big: ", server.port).unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    while sent < 300 << 20 {
        if stream.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
    }
    assert!(sent < 64 << 20, "the server took {} MB of header", sent >> 20);
    assert!(start.elapsed() < Duration::from_secs(5), "refused only after {:?}", start.elapsed());
    let after = process_status(server.pid(), "VmRSS:");
    assert!(after < before + 16 * 1024, "the server grew from {before} KB to {after} KB");
    // It still answers.
    assert_eq!(server.get("/").status, 200);
    // A header just over the limit gets its 431.
    let big = "a".repeat(40 * 1024);
    let r = send(server.port, format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Big: {big}\r\n\r\n", server.host()).as_bytes());
    assert_eq!(r.status, 431, "{}", r.body);
}

/// A half-sent request and an idle keep-alive connection are both closed within
/// seconds (tiny_http kept a half-sent request open for more than 40 s).
#[test]
fn half_sent_requests_and_idle_connections_time_out() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let closes_within = |mut stream: TcpStream, limit: Duration| -> Duration {
        stream.set_read_timeout(Some(limit)).unwrap();
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => return start.elapsed(),
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return start.elapsed(),
                Err(e) => panic!("still open after {:?}: {e}", start.elapsed()),
            }
        }
    };
    let limit = Duration::from_secs(20);
    // Sends nothing at all.
    let silent = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    // Sends half a request head.
    let mut half = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(half, "GET / HTTP/1.1\r\nHost: {}\r\nX-Slow: ", server.host()).unwrap();
    // Sends a whole request, reads the answer, and stays.
    let mut idle = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(idle, "GET /__stepwise/status HTTP/1.1\r\nHost: {}\r\n\r\n", server.host()).unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let waits: Vec<_> =
        [silent, half, idle].into_iter().map(|s| std::thread::spawn(move || closes_within(s, limit))).collect();
    for (what, wait) in ["a silent connection", "a half-sent request", "an idle keep-alive"].iter().zip(waits) {
        let took = wait.join().unwrap_or_else(|_| panic!("{what} was not closed within {limit:?}"));
        assert!(took < Duration::from_secs(15), "{what} closed after {took:?}");
    }
}

/// 2,000 idle connections: no thread each, and a page still loads at once.
#[test]
#[cfg(target_os = "linux")]
fn idle_connections_neither_make_threads_nor_stall_the_server() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let threads_before = process_status(server.pid(), "Threads:");
    let idle: Vec<TcpStream> = (0..2000).map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(500));
    let threads = process_status(server.pid(), "Threads:");
    assert!(threads < threads_before + 20, "{threads_before} threads before, {threads} with 2,000 connections");
    let start = Instant::now();
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The first question"));
    assert!(start.elapsed() < Duration::from_secs(2), "the page took {:?}", start.elapsed());
    drop(idle);
}

/// Event streams are bounded: one too many gets a 503 (its page tries again later), and
/// a closed stream frees its place.
#[test]
fn event_streams_are_bounded() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let open_stream = || {
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(s, "GET /__stepwise/events HTTP/1.1\r\nHost: {}\r\n\r\n", server.host()).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        let mut head = [0u8; 12];
        s.read_exact(&mut head).unwrap();
        (s, String::from_utf8_lossy(&head).into_owned())
    };
    let mut streams = Vec::new();
    for i in 0..64 {
        let (s, head) = open_stream();
        assert_eq!(head, "HTTP/1.1 200", "stream {i}");
        streams.push(s);
    }
    let (_refused, head) = open_stream();
    assert_eq!(head, "HTTP/1.1 503");
    assert_eq!(server.status()["open_streams"], 64);
    drop(streams.pop());
    server.wait_status("a closed stream to be noticed", |s| s["open_streams"] == 63);
    let (_again, head) = open_stream();
    assert_eq!(head, "HTTP/1.1 200");
}

/// The reload script in a real browser, with `EventSource` and the page's visibility
/// played by the test: a hidden tab closes its stream, a shown one opens it again (and
/// reloads if the build changed meanwhile), a refused stream is tried again later.
#[test]
fn a_hidden_tab_closes_its_event_stream() {
    let site = TestSite::fixture("minimal");
    let server = Serve::start(&site.root, free_port());
    let page = server.get(PAGE).body;
    let start = page.find("<script id=\"stepwise-live\">").unwrap() + "<script id=\"stepwise-live\">".len();
    let script = &page[start..start + page[start..].find("</script>").unwrap()];
    let build = script.split("var build = \"").nth(1).unwrap().split('"').next().unwrap();
    // Navigation is the one thing a test page cannot let happen: it is logged instead.
    assert_eq!(script.matches("location.reload();").count(), 1);
    let script = script.replace("location.reload();", "log.push(\"reload\");");
    let harness = format!(
        r#"<!DOCTYPE html><html><body><script>
var log = [], hidden = false, sources = [];
Object.defineProperty(document, "hidden", {{ get: function () {{ return hidden; }} }});
function FakeSource(url) {{ this.url = url; this.readyState = 0; this.handlers = {{}}; sources.push(this); log.push("open"); }}
FakeSource.CLOSED = 2;
FakeSource.prototype.addEventListener = function (name, f) {{ this.handlers[name] = f; }};
FakeSource.prototype.close = function () {{ this.readyState = 2; log.push("close"); }};
window.EventSource = FakeSource;
function show(h) {{ hidden = h; document.dispatchEvent(new Event("visibilitychange")); }}
</script><script>{script}</script><script>
show(true);
show(false);
sources[1].handlers.hello({{ data: JSON.stringify({{ build: "{build}", error: null }}) }});
show(true);
show(false);
sources[2].handlers.hello({{ data: JSON.stringify({{ build: "another", error: null }}) }});
sources[2].readyState = 2;
sources[2].onerror();
setTimeout(function () {{
  var pre = document.createElement("pre"); pre.id = "result";
  pre.textContent = JSON.stringify({{ log: log, open: sources.length }});
  document.body.appendChild(pre);
}}, 7000);
</script></body></html>"#
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("harness.html");
    std::fs::write(&file, harness).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = headless_chromium(profile.path())
        .args(["--virtual-time-budget=20000", "--dump-dom"])
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("start chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let at = dom
        .find("<pre id=\"result\">")
        .unwrap_or_else(|| panic!("no result; chromium said: {}", String::from_utf8_lossy(&out.stderr)));
    let json = &dom[at + "<pre id=\"result\">".len()..];
    let json = json[..json.find("</pre>").unwrap()].replace("&quot;", "\"");
    let result: serde_json::Value = serde_json::from_str(&json).unwrap();
    // open, hidden: close, shown: open (same build: no reload), hidden: close, shown:
    // open, a new build: reload; the stream refused: a new one 5 s later.
    assert_eq!(
        result["log"],
        serde_json::json!(["open", "close", "open", "close", "open", "reload", "open"]),
        "{result}"
    );
}

/// A writer who broke the site is told when it builds again, even when the fix gives back
/// exactly the pages of before (nothing to re-render).
#[test]
fn serve_says_when_a_broken_site_builds_again() {
    let site = TestSite::fixture("minimal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_stepwise"))
        .args(["serve", "--port", &free_port().to_string(), "--root"])
        .arg(&site.root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start stepwise serve");
    let err = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |what: &str| {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(what) => return,
                Ok(_) => {}
                Err(_) => panic!("serve never printed `{what}`"),
            }
        }
    };
    wait_for("built ");
    let good = site.read("content/help/first.yaml");
    site.write("content/help/first.yaml", "title: [unclosed\n");
    wait_for("build failed");
    site.write("content/help/first.yaml", good);
    wait_for("fixed: the site builds again");
    let _ = child.kill();
    let _ = child.wait();
}

//! `stepwise serve`: build in memory, serve over HTTP, watch, rebuild what an edit
//! touches, and reload the open pages.
//!
//! Three kinds of threads share one [`Shared`] state: the HTTP workers (tiny_http) answer
//! from the in-memory files of the last good build; the watcher thread turns bursts of
//! file events into rebuilds ([`build::Builder`]) and publishes the result; each open page
//! holds a Server-Sent Events stream that gets `reload` after a good rebuild and
//! `build-error` after a broken one. Nothing is written to `public/`. The library never
//! prints: what happens is sent as [`ServeEvent`]s for the binary to show.

pub(crate) mod build;
pub(crate) mod http;
pub mod watch;

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::diagnostics::{Diagnostic, Diagnostics, Failure, display_path};
use crate::pipeline::Loaded;
use build::{Body, Files, Outcome, Preview, Scope};
use watch::Burst;

/// Ports tried after the one asked for, when it is taken.
const PORT_TRIES: u16 = 20;
const HTTP_WORKERS: usize = 8;
/// An idle event stream sends a comment this often, so dead connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// How long the content stays as it is before the sitemap, feeds and search indexes of
/// its last build are made: made during a burst of edits they would be out of date at
/// once, and at 10,000 tutorials they take the cores from the next edit's rebuild for
/// a second.
const MACHINE_QUIET: Duration = Duration::from_millis(750);

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The folder holding `site.toml`.
    pub root: PathBuf,
    pub port: u16,
    pub bind: String,
}

/// What the server reports while it runs.
#[derive(Debug)]
pub enum ServeEvent {
    /// A build succeeded (the first one included). `changed` names the burst's scope.
    Built { outcome: Outcome, first: bool, scope: Option<Scope> },
    /// A build failed: the last good pages keep being served.
    Failed { failure: Failure, first: bool },
    /// The watcher failed: edits are no longer seen.
    WatchFailed(String),
}

/// The error a page's overlay shows (the first error of a failed build).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct ErrorReport {
    pub(crate) file: String,
    pub(crate) line: Option<usize>,
    pub(crate) col: Option<usize>,
    pub(crate) message: String,
    /// Every problem, as the terminal shows them (with source lines and hints).
    pub(crate) text: String,
}

impl ErrorReport {
    pub(crate) fn from_diagnostics(diags: &Diagnostics) -> ErrorReport {
        let first = diags.iter().find(|d| d.is_error()).or_else(|| diags.iter().next());
        let mut sources: HashMap<PathBuf, Option<String>> = HashMap::new();
        let text: Vec<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let source = sources.entry(d.file.clone()).or_insert_with(|| crate::load::read_source(&d.file));
                d.render(source.as_deref())
            })
            .collect();
        let fallback = Diagnostic::error(PathBuf::new(), None, "the build failed");
        let first = first.unwrap_or(&fallback);
        ErrorReport {
            file: display_path(&first.file),
            line: first.pos.map(|p| p.line),
            col: first.pos.map(|p| p.col),
            message: first.message.clone(),
            text: text.join("\n\n"),
        }
    }
}

/// The state the HTTP workers read.
struct Snapshot {
    files: Arc<Files>,
    /// `{server start}-{good builds}`: a page compares it with the one it was served with.
    build_id: String,
    builds: u64,
    error: Option<ErrorReport>,
}

struct Shared {
    snapshot: RwLock<Snapshot>,
    /// Sitemap, feeds and search indexes of the last good build, refreshed after it.
    machine: RwLock<Arc<Files>>,
    streams: Mutex<Vec<SyncSender<String>>>,
    stream_count: AtomicU64,
    page_loads: AtomicU64,
    instance: String,
}

impl Shared {
    fn snapshot(&self) -> (Arc<Files>, String, Option<ErrorReport>) {
        let s = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        (Arc::clone(&s.files), s.build_id.clone(), s.error.clone())
    }

    /// Sends one event to every open stream, dropping the closed ones.
    fn broadcast(&self, event: &str, data: &str) {
        let msg = sse_message(event, data);
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        streams.retain(|s| match s.try_send(msg.clone()) {
            Ok(()) => true,
            // A stream too far behind is not worth keeping; its page reconnects.
            Err(_) => false,
        });
    }

    fn publish(&self, files: Option<Files>, error: Option<ErrorReport>) {
        let (event, data) = {
            let mut s = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
            if let Some(files) = files {
                s.files = Arc::new(files);
                s.builds += 1;
                s.build_id = format!("{}-{}", self.instance, s.builds);
            }
            s.error = error.clone();
            match error {
                Some(e) => ("build-error", serde_json::to_string(&e).unwrap_or_default()),
                None => ("reload", s.build_id.clone()),
            }
        };
        self.broadcast(event, &data);
    }

    fn status_json(&self) -> String {
        let s = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        serde_json::json!({
            "ok": s.error.is_none(),
            "build": s.build_id,
            "builds": s.builds,
            "error": s.error,
            "streams": self.stream_count.load(Ordering::Relaxed),
            "page_loads": self.page_loads.load(Ordering::Relaxed),
        })
        .to_string()
    }
}

fn sse_message(event: &str, data: &str) -> String {
    let mut msg = format!("event: {event}\n");
    for line in data.lines() {
        msg.push_str("data: ");
        msg.push_str(line);
        msg.push('\n');
    }
    if data.is_empty() {
        msg.push_str("data:\n");
    }
    msg.push('\n');
    msg
}

/// A running preview server.
pub struct Server {
    pub addr: SocketAddr,
    /// The port asked for, when it was taken and another was used.
    pub port_taken: Option<u16>,
    events: Receiver<ServeEvent>,
}

impl Server {
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        format!("http://{host}:{}/", self.addr.port())
    }

    /// Whether other machines can reach the server.
    pub fn is_public(&self) -> bool {
        !self.addr.ip().is_loopback()
    }

    /// The next thing that happened; blocks. `None` once the server has stopped.
    pub fn next_event(&self) -> Option<ServeEvent> {
        self.events.recv().ok()
    }
}

/// Binds, builds the site once and starts serving and watching. The first build's
/// outcome is the first event. A folder without `site.toml` is refused outright.
pub fn start(opts: &ServeOptions) -> Result<Server, Failure> {
    let root = opts.root.clone();
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        let d = Diagnostic::error(
            root.join(crate::config::CONFIG_FILE),
            None,
            format!("not a stepwise site: no site.toml in {}", display_path(&root)),
        )
        .with_hint("run `stepwise serve` in the site folder, or pass `--root DIR`");
        return Err(Failure { kind: crate::diagnostics::FailureKind::Io, diagnostics: Diagnostics::from_iter([d]) });
    }
    let (server, port_taken) = bind(&opts.bind, opts.port)?;
    let addr = server.server_addr().to_ip().ok_or_else(|| Failure::io(&root, "the server has no IP address"))?;
    let instance = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis()).to_string();
    let shared = Arc::new(Shared {
        machine: RwLock::new(Arc::new(Files::new())),
        snapshot: RwLock::new(Snapshot {
            files: Arc::new(Files::new()),
            build_id: format!("{instance}-0"),
            builds: 0,
            error: None,
        }),
        streams: Mutex::new(Vec::new()),
        stream_count: AtomicU64::new(0),
        page_loads: AtomicU64::new(0),
        instance,
    });
    let (tx, events) = mpsc::channel();

    // Watch before the first build, so an edit made during it is not missed.
    let watcher = watch::SiteWatcher::new(&root);
    let mut builder = Preview::new(&root);
    // The machine files of each good build, made one site at a time: a site that is no
    // longer the latest when the thread gets to it is skipped.
    let (machine_tx, machine_rx) = mpsc::channel::<Arc<Loaded>>();
    run_build(&mut builder, &shared, &tx, &machine_tx, None, true);
    {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            // A pool of its own, one thread: the rebuild after the next edit shares the
            // global pool with nobody, instead of queueing behind a whole search index.
            let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
            while let Ok(mut site) = machine_rx.recv() {
                // While edits keep coming, their sites are skipped for the latest one.
                while let Ok(newer) = machine_rx.recv_timeout(MACHINE_QUIET) {
                    site = newer;
                }
                let files = match &pool {
                    Some(pool) => pool.install(|| build::machine_files(&site)),
                    None => build::machine_files(&site),
                };
                let files = Arc::new(files);
                *shared.machine.write().unwrap_or_else(|e| e.into_inner()) = files;
            }
        });
    }

    let server = Arc::new(server);
    for _ in 0..HTTP_WORKERS {
        let (server, shared) = (Arc::clone(&server), Arc::clone(&shared));
        std::thread::spawn(move || {
            while let Ok(req) = server.recv() {
                handle(req, &shared);
            }
        });
    }
    match watcher {
        Ok(mut watcher) => {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                loop {
                    match watcher.next_burst() {
                        Ok(burst) => run_build(&mut builder, &shared, &tx, &machine_tx, Some(burst), false),
                        Err(e) => {
                            let _ = tx.send(ServeEvent::WatchFailed(e));
                            return;
                        }
                    }
                }
            });
        }
        Err(e) => {
            let _ = tx.send(ServeEvent::WatchFailed(format!("cannot watch {}: {e}", display_path(&root))));
        }
    }
    Ok(Server { addr, port_taken, events })
}

/// Binds `bind:port`, or the next free port after it.
fn bind(bind: &str, port: u16) -> Result<(tiny_http::Server, Option<u16>), Failure> {
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    let mut last = String::new();
    for p in (0..=PORT_TRIES).map_while(|i| port.checked_add(i)) {
        match tiny_http::Server::http((host, p)) {
            Ok(s) => return Ok((s, (p != port).then_some(port))),
            Err(e) => {
                last = e.to_string();
                let taken =
                    e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::AddrInUse);
                if !taken || port == 0 {
                    break;
                }
            }
        }
    }
    Err(Failure::io(Path::new(bind), format!("cannot listen on {bind} port {port}: {last}")))
}

fn run_build(
    builder: &mut Preview,
    shared: &Shared,
    tx: &Sender<ServeEvent>,
    machine_tx: &Sender<Arc<Loaded>>,
    burst: Option<Burst>,
    first: bool,
) {
    let was_failing = shared.snapshot.read().map(|s| s.error.is_some()).unwrap_or(false);
    let scope = burst.as_ref().map(|b| b.scope);
    let paths = burst.as_ref().and_then(|b| b.paths.as_deref());
    match builder.rebuild(scope.unwrap_or(Scope::Everything), paths) {
        Ok(outcome) => {
            if outcome.changed || was_failing || first {
                shared.publish(Some(builder.files().clone()), None);
                // After the reload event, and off this thread: neither the reloading page
                // nor the next edit waits for them.
                if let Some(site) = builder.last() {
                    if first {
                        *shared.machine.write().unwrap_or_else(|e| e.into_inner()) =
                            Arc::new(build::machine_files(&site));
                    } else {
                        let _ = machine_tx.send(site);
                    }
                }
            }
            let _ = tx.send(ServeEvent::Built { outcome, first, scope });
        }
        Err(failure) => {
            shared.publish(None, Some(ErrorReport::from_diagnostics(&failure.diagnostics)));
            let _ = tx.send(ServeEvent::Failed { failure, first });
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Answers with `body`; tiny_http leaves the body out of a HEAD response but keeps its
/// length.
fn respond(req: Request, status: u16, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    let len = body.len();
    let mut headers = vec![header("Content-Type", content_type), header("X-Content-Type-Options", "nosniff")];
    headers.extend(extra.iter().map(|(n, v)| header(n, v)));
    if content_type.starts_with("text/html") {
        headers.push(header("Cache-Control", "no-store"));
        headers.push(header("Content-Security-Policy", http::CONTENT_SECURITY_POLICY));
    }
    let response = Response::new(StatusCode(status), headers, std::io::Cursor::new(body), Some(len), None)
        .with_chunked_threshold(usize::MAX);
    let _ = req.respond(response);
}

fn handle(req: Request, shared: &Arc<Shared>) {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return respond(
            req,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD\n".to_vec(),
            &[("Allow", "GET, HEAD")],
        );
    }
    let target = req.url().to_string();
    let path = target.split(['?', '#']).next().unwrap_or("");
    match path {
        "/__stepwise/events" => return events(req, shared),
        "/__stepwise/status" => {
            let body = shared.status_json().into_bytes();
            return respond(req, 200, "application/json", body, &[("Cache-Control", "no-store")]);
        }
        _ => {}
    }
    let key = match http::resolve(&target) {
        Ok(k) => k,
        Err(_) => return respond(req, 400, "text/plain; charset=utf-8", b"bad request path\n".to_vec(), &[]),
    };
    let (files, build_id, _) = shared.snapshot();
    let machine = Arc::clone(&shared.machine.read().unwrap_or_else(|e| e.into_inner()));
    let found = files.get(&key).or_else(|| machine.get(&key)).map(|b| (key.clone(), b));
    let Some((key, body)) = found else {
        // `/zh/help` -> `/zh/help/`, as static hosts do.
        if files.contains_key(&format!("{key}/index.html")) {
            let location = format!("{path}/");
            return respond(req, 301, "text/plain; charset=utf-8", Vec::new(), &[("Location", &location)]);
        }
        let page = ["404.html", "404/index.html"].iter().find_map(|k| match files.get(*k) {
            Some(Body::Bytes(b)) => Some(b.to_vec()),
            _ => None,
        });
        let page = page.unwrap_or_else(|| http::not_found_page(path));
        return respond(req, 404, "text/html; charset=utf-8", http::inject_reload(&page, &build_id), &[]);
    };
    let bytes = match body {
        Body::Bytes(b) => b.to_vec(),
        Body::File(p) => match std::fs::read(p) {
            Ok(b) => b,
            Err(_) => return respond(req, 404, "text/plain; charset=utf-8", b"not found\n".to_vec(), &[]),
        },
    };
    let content_type = http::content_type(&key);
    if http::is_html(&key) {
        shared.page_loads.fetch_add(1, Ordering::Relaxed);
        respond(req, 200, content_type, http::inject_reload(&bytes, &build_id), &[])
    } else {
        respond(req, 200, content_type, bytes, &[("Cache-Control", "no-cache")])
    }
}

/// A Server-Sent Events stream, held open on its own thread. tiny_http would buffer a
/// streamed body, so the response is written by hand and flushed per event.
fn events(req: Request, shared: &Arc<Shared>) {
    let head = *req.method() == Method::Head;
    let (tx, rx) = mpsc::sync_channel::<String>(64);
    let hello = {
        let (_, build, error) = shared.snapshot();
        serde_json::json!({ "build": build, "error": error }).to_string()
    };
    if !head {
        shared.streams.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
        shared.stream_count.fetch_add(1, Ordering::Relaxed);
    }
    std::thread::spawn(move || {
        let mut w = req.into_writer();
        let start = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                     Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n";
        let hello = format!("retry: 500\n\n{}", sse_message("hello", &hello));
        if w.write_all(start.as_bytes()).and_then(|_| w.flush()).is_err() || head {
            return;
        }
        if w.write_all(hello.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
        loop {
            let msg = match rx.recv_timeout(KEEPALIVE) {
                Ok(m) => m,
                Err(mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
                return;
            }
        }
    });
}

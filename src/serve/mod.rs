//! `stepwise serve`: build in memory, serve over HTTP, watch, rebuild what an edit
//! touches, reload the open pages, and (in edit mode) write edits made in a page back
//! into the YAML files.
//!
//! Threads and tasks share one [`Shared`] state: the HTTP server (`server`: axum on a
//! small tokio runtime, every request bounded) answers from the in-memory files of the
//! last good build; the watcher thread turns bursts of file events into rebuilds
//! ([`build::Preview`]) and publishes the result; each open page holds a Server-Sent
//! Events stream that gets `reload` after a good rebuild and `build-error` after a broken
//! one. The edit API (`edit`) writes only YAML files under `content/` and `i18n.lock`;
//! the watcher then rebuilds as for any save. Nothing is written to `public/`. The
//! library never prints: what happens is sent as [`ServeEvent`]s for the binary to show.

pub(crate) mod build;
pub(crate) mod edit;
pub(crate) mod http;
mod reply;
mod server;
pub mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Failure, display_path};
use crate::pipeline::Loaded;
use build::{Files, Outcome, Preview, Scope};
use watch::Burst;

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
    /// `--edit`: allow editing from the browser on a bind address other machines reach.
    pub edit: bool,
}

/// Whether pages can be edited in the browser, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditMode {
    /// Bound to loopback: only this machine can reach the server.
    Loopback,
    /// Bound to an address other machines reach, and `--edit` was given.
    Forced,
    /// Bound to an address other machines reach, without `--edit`.
    Off,
}

impl EditMode {
    fn new(bind: IpAddr, forced: bool) -> EditMode {
        if bind.is_loopback() {
            EditMode::Loopback
        } else if forced {
            EditMode::Forced
        } else {
            EditMode::Off
        }
    }

    pub fn is_on(self) -> bool {
        self != EditMode::Off
    }
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

/// The state the HTTP side reads.
struct Snapshot {
    files: Arc<Files>,
    /// The last good build's site (the editor reads its translation state).
    site: Option<Arc<Loaded>>,
    /// `{server start}-{good builds}`: a page compares it with the one it was served with.
    build_id: String,
    builds: u64,
    error: Option<ErrorReport>,
}

pub(crate) struct Shared {
    snapshot: RwLock<Snapshot>,
    /// Sitemap, feeds and search indexes of the last good build, refreshed after it.
    machine: RwLock<Arc<Files>>,
    /// What the search indexes take from each tutorial, kept for the next edit's.
    search_docs: crate::pipeline::DocStore,
    /// The open event streams; a send that fails drops its stream.
    streams: Mutex<Vec<tokio::sync::mpsc::Sender<Bytes>>>,
    /// Event streams opened since the start, and open now.
    stream_count: AtomicU64,
    open_streams: AtomicUsize,
    page_loads: AtomicU64,
    instance: String,
}

impl Shared {
    fn snapshot(&self) -> (Arc<Files>, String, Option<ErrorReport>) {
        let s = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        (Arc::clone(&s.files), s.build_id.clone(), s.error.clone())
    }

    /// The last good build's site.
    pub(crate) fn site(&self) -> Option<Arc<Loaded>> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).site.clone()
    }

    /// Sends one event to every open stream, dropping the closed ones.
    fn broadcast(&self, event: &str, data: &str) {
        let msg = Bytes::from(sse_message(event, data));
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        // A stream too far behind is not worth keeping; its page reconnects.
        streams.retain(|s| s.try_send(msg.clone()).is_ok());
    }

    fn publish(&self, built: Option<(Files, Arc<Loaded>)>, error: Option<ErrorReport>) {
        let (event, data) = {
            let mut s = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
            if let Some((files, site)) = built {
                s.files = Arc::new(files);
                s.site = Some(site);
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

    fn status_json(&self, edit: EditMode) -> String {
        let s = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        serde_json::json!({
            "ok": s.error.is_none(),
            "build": s.build_id,
            "builds": s.builds,
            "error": s.error,
            "streams": self.stream_count.load(Ordering::Relaxed),
            "open_streams": self.open_streams.load(Ordering::Relaxed),
            "page_loads": self.page_loads.load(Ordering::Relaxed),
            "edit": edit.is_on(),
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

/// A running preview server. Dropping it stops the HTTP server.
pub struct Server {
    pub addr: SocketAddr,
    /// The port asked for, when it was taken and another was used.
    pub port_taken: Option<u16>,
    pub edit: EditMode,
    events: Receiver<ServeEvent>,
    _http: server::Running,
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
    let listening = server::bind(&opts.bind, opts.port)?;
    let addr = listening.addr;
    let port_taken = listening.port_taken;
    let edit = EditMode::new(addr.ip(), opts.edit);
    let instance = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis()).to_string();
    let shared = Arc::new(Shared {
        machine: RwLock::new(Arc::new(Files::new())),
        search_docs: crate::pipeline::DocStore::memory(),
        snapshot: RwLock::new(Snapshot {
            files: Arc::new(Files::new()),
            site: None,
            build_id: format!("{instance}-0"),
            builds: 0,
            error: None,
        }),
        streams: Mutex::new(Vec::new()),
        stream_count: AtomicU64::new(0),
        open_streams: AtomicUsize::new(0),
        page_loads: AtomicU64::new(0),
        instance,
    });
    let editor = match edit.is_on() {
        true => Some(Arc::new(edit::Editor::new(&root)?)),
        false => None,
    };
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
                    Some(pool) => pool.install(|| build::machine_files(&site, &shared.search_docs)),
                    None => build::machine_files(&site, &shared.search_docs),
                };
                let files = Arc::new(files);
                *shared.machine.write().unwrap_or_else(|e| e.into_inner()) = files;
            }
        });
    }

    let app = server::App { shared: Arc::clone(&shared), edit, editor };
    let http = listening.serve(app);
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
    Ok(Server { addr, port_taken, edit, events, _http: http })
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
                let site = builder.last();
                if let Some(site) = &site {
                    shared.publish(Some((builder.files().clone(), Arc::clone(site))), None);
                }
                // After the reload event, and off this thread: neither the reloading page
                // nor the next edit waits for them.
                if let Some(site) = site {
                    if first {
                        *shared.machine.write().unwrap_or_else(|e| e.into_inner()) =
                            Arc::new(build::machine_files(&site, &shared.search_docs));
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

//! The HTTP server: axum routes on a small tokio runtime, each connection driven by hyper
//! with every request bounded. What it answers comes from [`Shared`] (the built files)
//! and from `edit` (the edit API); this file owns connections, limits and routing.
//!
//! The limits, and why (a preview server runs on a writer's laptop, next to a browser
//! full of other sites' pages):
//! - **`Host`**: every request, reads included, must name this server ([`Hosts`]); a
//!   page of another site rebinding its name to 127.0.0.1 gets a 403.
//! - **Headers**: at most [`MAX_HEADER_BYTES`] (a browser sends 1-2 KB; cookies of other
//!   local apps share `localhost` and can add several); more gets a 431, and the
//!   connection's buffer never grows past [`MAX_BUFFER`].
//! - **Time**: a request's head must arrive within [`HEADER_TIMEOUT`] of the connection
//!   opening or of the last response on it, so a half-sent request and an idle keep-alive
//!   connection both close within seconds. A body must arrive within [`super::reply::BODY_TIMEOUT`].
//! - **Connections**: at most [`MAX_CONNECTIONS`] open, each a task, not a thread. A new
//!   connection over the limit (or when the process runs out of file descriptors) closes
//!   the oldest connection that is not answering a request: idle ones cannot crowd out a
//!   page being loaded. Over the limit with every connection busy, the new one is closed.
//! - **Event streams**: at most [`MAX_STREAMS`] open; more get a 503, and the page's
//!   script tries again a few seconds later.
//! - **Bodies**: edit requests at most `edit::MAX_EDIT_BYTES`, image uploads the site's
//!   screenshot limit (see `edit`).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::build::Body as Served;
use super::http::{self, Hosts};
use super::reply::respond;
use super::{EditMode, Shared, edit, sse_message};
use crate::diagnostics::Failure;

/// Ports tried after the one asked for, when it is taken.
const PORT_TRIES: u16 = 20;
/// The runtime's threads: answering from memory is quick, and the cores belong to the
/// rebuilds. File reads and edits run on its blocking pool.
const HTTP_THREADS: usize = 2;
const BLOCKING_THREADS: usize = 8;
pub(crate) const MAX_CONNECTIONS: usize = 512;
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;
/// A connection's read buffer; hyper's minimum is 8 KB.
const MAX_BUFFER: usize = 64 * 1024;
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const MAX_STREAMS: usize = 64;
/// An idle event stream sends a comment this often, so dead connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// The queue of one event stream; a page further behind is dropped (it reconnects).
const STREAM_QUEUE: usize = 64;

/// What every request handler can reach.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) shared: Arc<Shared>,
    pub(crate) edit: EditMode,
    /// `None` when edit mode is off.
    pub(crate) editor: Option<Arc<edit::Editor>>,
}

impl axum::extract::FromRef<App> for edit::EditState {
    fn from_ref(app: &App) -> edit::EditState {
        edit::EditState { shared: Arc::clone(&app.shared), editor: app.editor.clone() }
    }
}

/// A bound socket, not yet serving.
pub(crate) struct Listening {
    pub(crate) addr: SocketAddr,
    pub(crate) port_taken: Option<u16>,
    runtime: tokio::runtime::Runtime,
    listener: TcpListener,
}

/// The serving runtime; dropping it stops the server.
pub(crate) struct Running {
    _runtime: tokio::runtime::Runtime,
}

/// Binds `bind:port`, or the next free port after it.
pub(crate) fn bind(bind: &str, port: u16) -> Result<Listening, Failure> {
    let io = |message: String| Failure::io(std::path::Path::new(bind), message);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(HTTP_THREADS)
        .max_blocking_threads(BLOCKING_THREADS)
        .thread_name("stepwise-http")
        .enable_all()
        .build()
        .map_err(|e| io(format!("cannot start the HTTP server: {e}")))?;
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    let mut last = String::new();
    for p in (0..=PORT_TRIES).map_while(|i| port.checked_add(i)) {
        let addr = match (host, p).to_socket_addrs().map(|mut a| a.next()) {
            Ok(Some(a)) => a,
            Ok(None) => return Err(io(format!("cannot listen on {bind}: it names no address"))),
            Err(e) => return Err(io(format!("cannot listen on {bind}: {e}"))),
        };
        let _entered = runtime.enter();
        match listen(addr) {
            Ok(listener) => {
                let addr = listener.local_addr().map_err(|e| io(format!("the server has no address: {e}")))?;
                return Ok(Listening { addr, port_taken: (p != port).then_some(port), runtime, listener });
            }
            Err(e) => {
                last = e.to_string();
                if e.kind() != std::io::ErrorKind::AddrInUse || port == 0 {
                    break;
                }
            }
        }
    }
    Err(io(format!("cannot listen on {bind} port {port}: {last}")))
}

fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    // What std does on Unix: a restarted server gets its port back at once. (On Windows
    // the option would let two servers share a port.)
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

impl Listening {
    /// Starts answering requests.
    pub(crate) fn serve(self, app: App) -> Running {
        let Listening { addr, runtime, listener, .. } = self;
        let hosts = Hosts::new(addr.ip(), addr.port());
        let router = routes(app);
        runtime.spawn(accept(listener, router, hosts));
        Running { _runtime: runtime }
    }
}

fn routes(app: App) -> Router {
    Router::new()
        .route("/__stepwise/events", get(events))
        .route("/__stepwise/status", get(status))
        .route("/__stepwise/editor.js", get(editor_script))
        .route("/__stepwise/editor.css", get(editor_style))
        .route("/__stepwise/edit/doc", get(edit::doc))
        .route("/__stepwise/edit/source", get(edit::source))
        .route("/__stepwise/edit", post(edit::edit))
        .route("/__stepwise/edit/image", post(edit::upload))
        .fallback(file)
        .with_state(app)
}

// ------------------------------------------------------------------- connections

/// The open connections, oldest first.
#[derive(Default)]
struct Connections {
    table: Mutex<(u64, BTreeMap<u64, Connection>)>,
}

struct Connection {
    /// Requests being answered (a response counts until its body is sent).
    busy: Arc<AtomicUsize>,
    close: Arc<Notify>,
}

impl Connections {
    /// Makes room for one more connection and registers it; `None` when every open
    /// connection is busy answering.
    fn admit(&self, limit: usize) -> Option<(u64, Arc<AtomicUsize>, Arc<Notify>)> {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        if table.1.len() >= limit && !Self::close_idle(&mut table.1) {
            return None;
        }
        table.0 += 1;
        let id = table.0;
        let busy = Arc::new(AtomicUsize::new(0));
        let close = Arc::new(Notify::new());
        table.1.insert(id, Connection { busy: Arc::clone(&busy), close: Arc::clone(&close) });
        Some((id, busy, close))
    }

    /// Closes the oldest connection that answers nothing now; false if there is none.
    fn close_idle(open: &mut BTreeMap<u64, Connection>) -> bool {
        let idle = open.iter().find(|(_, c)| c.busy.load(Ordering::Acquire) == 0).map(|(id, _)| *id);
        match idle.and_then(|id| open.remove(&id)) {
            Some(c) => {
                c.close.notify_one();
                true
            }
            None => false,
        }
    }

    fn close_one_idle(&self) {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        Self::close_idle(&mut table.1);
    }

    fn forget(&self, id: u64) {
        self.table.lock().unwrap_or_else(|e| e.into_inner()).1.remove(&id);
    }
}

async fn accept(listener: TcpListener, router: Router, hosts: Hosts) {
    let connections = Arc::new(Connections::default());
    let hosts = Arc::new(hosts);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors (EMFILE, ENFILE) or memory: free a descriptor
                // held by an idle connection, and wait a moment rather than spin.
                if e.raw_os_error().is_some_and(|c| c == 23 || c == 24) || e.kind() == std::io::ErrorKind::OutOfMemory {
                    connections.close_one_idle();
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let Some((id, busy, close)) = connections.admit(MAX_CONNECTIONS) else {
            drop(stream);
            continue;
        };
        let (connections, router, hosts) = (Arc::clone(&connections), router.clone(), Arc::clone(&hosts));
        tokio::spawn(async move {
            serve_connection(stream, router, hosts, busy, close).await;
            connections.forget(id);
        });
    }
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    hosts: Arc<Hosts>,
    busy: Arc<AtomicUsize>,
    close: Arc<Notify>,
) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let guard = Busy::enter(&busy);
        let router = router.clone();
        let hosts = Arc::clone(&hosts);
        async move {
            let response = match host_problem(&req, &hosts) {
                Some(refusal) => refusal,
                None => {
                    let mut router = router;
                    match tower_service::Service::call(&mut router, req).await {
                        Ok(response) => response,
                        Err(never) => match never {},
                    }
                }
            };
            Ok::<_, Infallible>(response.map(|body| Tracked { body, _busy: guard }))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEADER_BYTES)
        .max_buf_size(MAX_BUFFER);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = close.notified() => {}
    }
}

/// Counts a request as being answered until its response body is dropped.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn enter(count: &Arc<AtomicUsize>) -> Busy {
        count.fetch_add(1, Ordering::AcqRel);
        Busy(Arc::clone(count))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its connection counted as busy while it is sent.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The refusal of a request whose `Host` does not name this server.
fn host_problem(req: &hyper::Request<Incoming>, hosts: &Hosts) -> Option<Response> {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    if host.is_some_and(|h| hosts.allows(h)) {
        return None;
    }
    let message = match host {
        Some(h) => format!("this server does not answer for the host `{h}`; open it as http://127.0.0.1:PORT/"),
        None => "a request must name this server in its Host header".to_string(),
    };
    Some(edit::refusal(StatusCode::FORBIDDEN, "bad_host", &message))
}

// ------------------------------------------------------------------- responses

fn with_header(mut response: Response, name: header::HeaderName, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, v);
    }
    response
}

const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// A file of the last good build (or its sitemap, feeds and search indexes).
async fn file(State(app): State<App>, req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        let r = respond(StatusCode::METHOD_NOT_ALLOWED, TEXT, "only GET and HEAD\n", false);
        return with_header(r, header::ALLOW, "GET, HEAD");
    }
    let target = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
    let path = target.split(['?', '#']).next().unwrap_or("");
    let key = match http::resolve(&target) {
        Ok(k) => k,
        Err(_) => return respond(StatusCode::BAD_REQUEST, TEXT, "bad request path\n", false),
    };
    let shared = &app.shared;
    let (files, build_id, _) = shared.snapshot();
    let machine = Arc::clone(&shared.machine.read().unwrap_or_else(|e| e.into_inner()));
    let edit = app.editor.is_some();
    let Some(body) = files.get(&key).or_else(|| machine.get(&key)) else {
        // `/zh/help` -> `/zh/help/`, as static hosts do.
        if files.contains_key(&format!("{key}/index.html")) {
            let r = respond(StatusCode::MOVED_PERMANENTLY, TEXT, Body::empty(), false);
            return with_header(r, header::LOCATION, &format!("{path}/"));
        }
        let page = ["404.html", "404/index.html"].iter().find_map(|k| match files.get(*k) {
            Some(Served::Bytes(b)) => Some(b.to_vec()),
            _ => None,
        });
        let page = page.unwrap_or_else(|| http::not_found_page(path));
        let extra = page_extra(&app, &key);
        let html = http::inject_scripts(&page, &build_id, &extra);
        return respond(StatusCode::NOT_FOUND, HTML, html, edit);
    };
    let bytes = match body {
        Served::Bytes(b) => b.to_vec(),
        Served::File(p) => {
            let p = p.clone();
            match tokio::task::spawn_blocking(move || std::fs::read(p)).await {
                Ok(Ok(b)) => b,
                _ => return respond(StatusCode::NOT_FOUND, TEXT, "not found\n", false),
            }
        }
    };
    let content_type = http::content_type(&key);
    if http::is_html(&key) {
        shared.page_loads.fetch_add(1, Ordering::Relaxed);
        let extra = page_extra(&app, &key);
        respond(StatusCode::OK, content_type, http::inject_scripts(&bytes, &build_id, &extra), edit)
    } else {
        with_header(respond(StatusCode::OK, content_type, bytes, false), header::CACHE_CONTROL, "no-cache")
    }
}

/// The edit-mode scripts for the page at `key`, or nothing when edit mode is off.
fn page_extra(app: &App, key: &str) -> String {
    match &app.editor {
        Some(editor) => editor.page_scripts(key, app.shared.site().as_deref()),
        None => String::new(),
    }
}

async fn status(State(app): State<App>) -> Response {
    let r = respond(StatusCode::OK, "application/json", app.shared.status_json(app.edit), false);
    with_header(r, header::CACHE_CONTROL, "no-store")
}

/// The editor's script: only in edit mode (a page without edit mode names none).
async fn editor_script(State(app): State<App>) -> Response {
    editor_file(&app, "editor.js", edit::EDITOR_SCRIPT)
}

/// The editor's styles (linked by its script): only in edit mode.
async fn editor_style(State(app): State<App>) -> Response {
    editor_file(&app, "editor.css", edit::EDITOR_STYLE)
}

fn editor_file(app: &App, name: &str, body: &'static str) -> Response {
    if app.editor.is_none() {
        return respond(StatusCode::NOT_FOUND, TEXT, "not found\n", false);
    }
    // Debug builds only: `STEPWISE_EDITOR_DIR=src/serve` serves the editor's files as
    // they are on disk, for working on them without rebuilding.
    #[cfg(debug_assertions)]
    if let Some(dir) = std::env::var_os("STEPWISE_EDITOR_DIR")
        && let Ok(text) = std::fs::read_to_string(std::path::Path::new(&dir).join(name))
    {
        return with_header(
            respond(StatusCode::OK, http::content_type(name), text, false),
            header::CACHE_CONTROL,
            "no-store",
        );
    }
    with_header(respond(StatusCode::OK, http::content_type(name), body, false), header::CACHE_CONTROL, "no-store")
}

/// A Server-Sent Events stream: `hello` at once, then the events of later builds.
async fn events(State(app): State<App>, method: Method) -> Response {
    let shared = &app.shared;
    let stream_headers = |r: Response| {
        let r = with_header(r, header::CACHE_CONTROL, "no-store");
        with_header(r, header::HeaderName::from_static("x-accel-buffering"), "no")
    };
    if method == Method::HEAD {
        return stream_headers(respond(StatusCode::OK, "text/event-stream; charset=utf-8", Body::empty(), false));
    }
    let slot = match StreamSlot::take(shared) {
        Some(slot) => slot,
        None => {
            let r = respond(
                StatusCode::SERVICE_UNAVAILABLE,
                TEXT,
                format!("too many open event streams (the limit is {MAX_STREAMS}); close some preview tabs\n"),
                false,
            );
            return with_header(r, header::RETRY_AFTER, "5");
        }
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(STREAM_QUEUE);
    let hello = {
        let (_, build, error) = shared.snapshot();
        serde_json::json!({ "build": build, "error": error }).to_string()
    };
    shared.streams.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
    shared.stream_count.fetch_add(1, Ordering::Relaxed);
    let first = Bytes::from(format!("retry: 500\n\n{}", sse_message("hello", &hello)));
    let body = EventStream { first: Some(first), rx, keepalive: Box::pin(tokio::time::sleep(KEEPALIVE)), _slot: slot };
    stream_headers(respond(StatusCode::OK, "text/event-stream; charset=utf-8", Body::new(body), false))
}

/// One of the [`MAX_STREAMS`] places for an open event stream, given back when dropped.
struct StreamSlot(Arc<Shared>);

impl StreamSlot {
    fn take(shared: &Arc<Shared>) -> Option<StreamSlot> {
        let open = &shared.open_streams;
        open.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < MAX_STREAMS).then_some(n + 1))
            .ok()
            .map(|_| StreamSlot(Arc::clone(shared)))
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.open_streams.fetch_sub(1, Ordering::AcqRel);
    }
}

struct EventStream {
    first: Option<Bytes>,
    rx: tokio::sync::mpsc::Receiver<Bytes>,
    keepalive: Pin<Box<tokio::time::Sleep>>,
    _slot: StreamSlot,
}

impl http_body::Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(msg)) => {
                this.keepalive.as_mut().reset(tokio::time::Instant::now() + KEEPALIVE);
                return Poll::Ready(Some(Ok(Frame::data(msg))));
            }
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        if this.keepalive.as_mut().poll(cx).is_ready() {
            this.keepalive.as_mut().reset(tokio::time::Instant::now() + KEEPALIVE);
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b": keep-alive\n\n")))));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_table_closes_its_oldest_idle_connection() {
        let c = Connections::default();
        let (first, busy_first, _) = c.admit(2).unwrap();
        let (_, _, close_second) = c.admit(2).unwrap();
        busy_first.fetch_add(1, Ordering::AcqRel);
        // The first is busy: the second (idle) makes room.
        let (third, busy_third, _) = c.admit(2).unwrap();
        let table = c.table.lock().unwrap();
        assert_eq!(table.1.keys().copied().collect::<Vec<_>>(), vec![first, third]);
        drop(table);
        // The permit is stored: the connection's task sees it when it next waits.
        let notified = close_second.notified();
        let waker = std::task::Waker::noop();
        let mut notified = std::pin::pin!(notified);
        assert!(notified.as_mut().poll(&mut Context::from_waker(waker)).is_ready());
        busy_third.fetch_add(1, Ordering::AcqRel);
        assert!(c.admit(2).is_none(), "every connection is busy: no room");
        c.forget(first);
        assert!(c.admit(2).is_some());
    }
}

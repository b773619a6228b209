//! The edit API of `stepwise serve`: what the in-browser editor reads and writes. Every
//! write changes one YAML file under `content/` (or `i18n.lock`) through `yaml_edit`,
//! touching only the edited values; the watcher then rebuilds and reloads the pages as
//! for any save.
//!
//! # Edit mode
//!
//! On when serve is bound to loopback (the default); with `--bind` to another address,
//! off unless `--edit` is given. In edit mode every served HTML page ends with
//!
//! ```html
//! <script id="stepwise-edit" type="application/json">{"token":"…","api":"/__stepwise/edit",
//!   "page":{"lang":"en","id":"help/first","view":"tutorial"}}</script>
//! <script src="/__stepwise/editor.js"></script>
//! ```
//!
//! `token` is a random secret made at each start of the server (never a cookie); `page`
//! is `null` on pages that show no tutorial, `view` is `tutorial` or `side-by-side`.
//! `/__stepwise/editor.js` (`src/serve/editor.js`) reads it and offers
//! `window.stepwiseEditor` (`doc`, `edit`, `upload`, `source`), and the editor UI built on
//! it (the Edit switch, boxes, texts, translations, pasted screenshots, steps; its styles
//! are `/__stepwise/editor.css`). With edit mode off, pages carry neither script, both
//! files are a 404 and every endpoint below answers 403 `edit_off`. `stepwise build`
//! output never holds any of it. Debug builds serve the two files from the folder
//! `STEPWISE_EDITOR_DIR` names, when set (to work on them without rebuilding).
//!
//! # Requests
//!
//! Every request to the server, reads included, must name it in `Host`
//! (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, or the `--bind` address; else 403
//! `bad_host`). Every endpoint here also needs the header `X-Stepwise-Token: <token>`
//! (403 `bad_token`). Writes are `POST` with `Content-Type: application/json` (415
//! `bad_content_type`) and an `Origin` that is exactly `http://` + the `Host` (403
//! `bad_origin`). Bodies: edits at most [`MAX_EDIT_BYTES`], uploads the site's
//! screenshot limit (`[images] max_file_mb`, 20 MB by default) in base64 (413
//! `too_large`); a body must arrive within 30 s (408 `timeout`).
//!
//! Texts are named by field as in `stepwise i18n status`, counting from 1: `title`,
//! `summary`, `steps[3].text`, `steps[3].alt`, `steps[3].highlight[2].label`,
//! `steps[3].redact[1].label`, `notes[1].text`. Steps are numbered from 1 too.
//!
//! ## `GET /__stepwise/edit/doc?id=<tutorial id>`
//!
//! One tutorial as written in its file now (not as last built):
//!
//! ```json
//! { "ok": true, "id": "help/first", "file": "content/help/first.yaml",
//!   "hash": "<64 hex digits: BLAKE3 of the file's bytes>",
//!   "languages": ["zh", "en"],
//!   "title":   { "field": "title", "plain": false, "text": { "zh": "第一个问题", "en": "The first question" } },
//!   "summary": null,
//!   "steps": [ { "step": 1,
//!       "text": { "field": "steps[1].text", "plain": false, "text": { "zh": "点击【开始】。", "en": "Click [Start]." } },
//!       "alt": { "field": "steps[1].alt", … } | null,
//!       "image": { "zh": { "path": "first/step-01.png", "width": 390, "height": 844 } } | null,
//!       "highlight": [ { "x": 0.8, "y": 0.92, "w": 0.18, "h": 0.07, "label": Text | null } ],
//!       "redact": [ … ] } ],
//!   "notes": [ { "kind": "tip", "text": Text } ],
//!   "translations": [ { "field": "steps[1].text", "lang": "en", "state": "outdated" } ] }
//! ```
//!
//! `languages` has the source language first. A text (`Text`) holds its Markdown source
//! per language exactly as the YAML value reads (UI labels like `【我的】` and `[My]` as
//! written), only for the languages written; `plain: true` is one text for every
//! language (a plain string in the YAML), given under the source language. `image` maps a
//! language to its screenshot: `path` relative to the YAML file, as written, with its
//! pixel size (`width`/`height` are `null` and `error` says why for a broken file).
//! `translations` lists every translatable text in every target language with its state:
//! `current`, `missing`, `outdated` (its source text changed after it was confirmed: offer
//! "confirm") or `unconfirmed` (never recorded). A file that does not decode gives 422
//! `invalid` (below).
//!
//! ## `GET /__stepwise/edit/source?id=<tutorial id>&path=<image path>`
//!
//! The screenshot file itself, unredacted (`path` relative to the YAML file, inside
//! `content/`), as `image/png`, `image/jpeg` or `image/webp`; for the writer's eyes only
//! (fetch it with the token and show it through `URL.createObjectURL`; the edit-mode
//! page policy allows `blob:` images).
//!
//! ## `POST /__stepwise/edit`
//!
//! `{ "id": "help/first", "hash": "<the doc's hash>", "op": "<op>", … }`, one op:
//!
//! | `op` | fields | does |
//! |---|---|---|
//! | `set_text` | `field`, `lang`, `text` | sets one text in one language. A missing language key is added at its siblings' indentation; a plain "same everywhere" text stays plain (the new text is then every language's); a missing optional field (`summary`, `alt`, a label) is added as `{lang: text}`. An empty `text` removes a translation, or an optional field when given for the source language (a required text cannot be emptied). |
//! | `set_boxes` | `step`, `kind` (`highlight`/`redact`), `boxes`: `[{x, y, w, h, label?}]` | makes the step's boxes exactly `boxes` (fractions rounded to 3 decimals; `label` a `{lang: text}` map, a plain string, or absent for none). Boxes equal to today's are not touched (comments and spelling kept); changed numbers are rewritten in place; boxes added or removed in the middle become one inserted or removed item; `[]` removes the key. |
//! | `add_step` | `after` (0 = first), `text`?: `{lang: text}` | inserts a step with a `text` of every language (those not given are written empty: a missing translation). The source language's text must be given: `check` refuses an empty one. |
//! | `delete_step` | `step` | removes the step, with its comments (its screenshot file stays). |
//! | `move_step` | `step`, `to` | moves the step so that it becomes step `to` (up: `to = step - 1`). |
//! | `set_image` | `step`, `path`, `lang`? | points the step's screenshot (of `lang`, or the one for every language) at an existing file, `path` relative to the YAML file. Boxes are kept. One path for every language becomes `{zh: old, en: new}` when a target language gets its own; a step without a screenshot gets the source language's first. |
//! | `confirm` | `field`, `lang` | records in `i18n.lock` that the `lang` translation of `field` matches its current source text, as `stepwise i18n confirm` does for that one field (the lock file is rewritten sorted and pruned, as by `confirm`). The YAML file is not changed (its `hash` is still checked). |
//!
//! Answer: `{ "ok": true, "hash": "<the file's new hash>", "changed": true, "warnings":
//! ["warning: content/…:5:9: `steps[2].text` has no en translation; …"] }` (`changed` is
//! false when the op left the file as it was; `confirm` adds `"confirmed": 0 | 1`).
//!
//! ## `POST /__stepwise/edit/image`
//!
//! `{ "id", "hash", "step", "lang"?, "data": "<base64, or a data: URL>" }`: a pasted or
//! dropped screenshot. It is checked like any screenshot (PNG, JPEG or WebP by content,
//! SVG refused, the size and pixel limits, decodes completely), saved beside the YAML
//! file in the tutorial's folder as `<slug>/step-03.png` (`step-03-en.png` for a
//! target language; never over another file: `step-03-2.png`...), and set as the step's
//! image as by `set_image`. Answer: as above, plus `"path": "first/step-03.png", "width",
//! "height"`.
//!
//! # Refusals
//!
//! Every refusal is `{ "ok": false, "error": "<code>", "message": "<a sentence>" }` plus,
//! for some, more fields:
//!
//! | status | `error` | when |
//! |---|---|---|
//! | 400 | `bad_request` | malformed JSON, an unknown op or field, a language the site does not have, a step that does not exist, bad base64 |
//! | 400 | `bad_path` | an id or image path that cannot name a file under `content/` (`..`, absolute, hidden, `_` folders) |
//! | 403 | `bad_host`, `bad_origin`, `bad_token`, `edit_off` | see above |
//! | 403 | `outside` | the file is a symbolic link (or in a linked folder) leading out of `content/` (out of the site for `i18n.lock`) |
//! | 404 | `not_found` | no such tutorial or image file |
//! | 408 / 413 / 415 | `timeout`, `too_large`, `bad_content_type` | see above |
//! | 409 | `stale` | the file changed on disk since `hash` (another editor, `git checkout`): also `"hash"`, the file's current hash. Load the doc again. |
//! | 422 | `invalid` | the edit would make the file invalid (or it is already): `"diagnostics": [{ "severity", "file", "line", "col", "message", "hint" }]` and `"text"`, the errors as `stepwise check` prints them (`error: file:line:col: message`, the line, a caret, the hint); `message` is the first error's headline. Nothing was written. |
//! | 422 | `not_editable` | the file is written in a way edits are not made to automatically (anchors and aliases, tabs in indentation...): the message says where. |
//! | 500 | `io` | the file could not be read or written |
//! | 500 | `internal` | the YAML editor could not make the edit as asked (a bug; the file was left as it was) |
//!
//! # How a write is made
//!
//! Under one lock for the whole server: the file is read and its hash compared with the
//! request's (409 if it differs); the op becomes `yaml_edit` edits of the text (never a
//! re-serialized document: comments, order, quoting, CRLF and a BOM stay); the new text is
//! decoded with the real decoder (`model::decode_tutorial`) and its screenshots probed for
//! image ops, and any error refuses the edit with `check`'s message; then it is written to
//! a temporary file in the same folder (with the file's permissions) and renamed over the
//! original. Paths are confined: an id must name a `.yaml` file under `content/`, and
//! symbolic links leading out are refused.

mod doc;
mod files;
mod ops;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value as Json, json};

use super::Shared;
use super::reply;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::pipeline::Loaded;

/// Edit requests carry a few texts or boxes: far below a tutorial file's own limit.
pub(crate) const MAX_EDIT_BYTES: usize = 256 * 1024;
/// The token's header.
const TOKEN_HEADER: &str = "x-stepwise-token";
/// The script edit-mode pages load: the API client and the editor UI.
pub(crate) const EDITOR_SCRIPT: &str = include_str!("editor.js");
/// Its styles, at `/__stepwise/editor.css` (linked by the script).
pub(crate) const EDITOR_STYLE: &str = include_str!("editor.css");

/// Edit mode: the token, and the lock every write takes.
pub(crate) struct Editor {
    root: PathBuf,
    token: String,
    writes: Mutex<()>,
}

impl Editor {
    /// A new editor with a fresh random token.
    pub(crate) fn new(root: &Path) -> Result<Editor, crate::diagnostics::Failure> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| crate::diagnostics::Failure::io(root, format!("cannot make a secret for edit mode: {e}")))?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Editor { root: root.to_path_buf(), token, writes: Mutex::new(()) })
    }

    /// The edit-mode scripts of the page at `key` (`en/help/first/index.html`).
    pub(crate) fn page_scripts(&self, key: &str, site: Option<&Loaded>) -> String {
        let config = json!({ "token": self.token, "api": "/__stepwise/edit", "page": page_of(key, site) });
        // Inside <script>: no `</script>` or `<!--` can come out of a JSON string.
        let config = config.to_string().replace('<', "\\u003c");
        format!(
            "<script id=\"stepwise-edit\" type=\"application/json\">{config}</script>\n\
             <script src=\"/__stepwise/editor.js\"></script>\n"
        )
    }

    fn check_token(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let given = headers.get(TOKEN_HEADER).map(|v| v.as_bytes());
        match given {
            None => Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "bad_token",
                "the request has no X-Stepwise-Token header; only pages served in edit mode may edit",
            )),
            Some(t) if equal_in_constant_time(t, self.token.as_bytes()) => Ok(()),
            Some(_) => Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "bad_token",
                "the edit token is wrong: the server was restarted since the page was loaded; reload the page",
            )),
        }
    }

    /// Origin, token and content type of a write request.
    fn check_write(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
        match origin {
            Some(o) if super::http::is_own_origin(o, host) => {}
            Some(o) => {
                return Err(Refusal::new(
                    StatusCode::FORBIDDEN,
                    "bad_origin",
                    format!("edits are taken only from pages of http://{host}, not from {o}"),
                ));
            }
            None => {
                return Err(Refusal::new(
                    StatusCode::FORBIDDEN,
                    "bad_origin",
                    "an edit must come from a page of this server (the request has no Origin header)",
                ));
            }
        }
        self.check_token(headers)?;
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(Refusal::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "bad_content_type",
                "an edit is a JSON body with Content-Type: application/json",
            ));
        }
        Ok(())
    }
}

/// Compares two tokens without stopping at the first difference.
fn equal_in_constant_time(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Which tutorial page `key` is: `{"lang", "id", "view"}`, or null.
fn page_of(key: &str, site: Option<&Loaded>) -> Json {
    let Some(site) = site else { return Json::Null };
    let Some((lang, rest)) = key.split_once('/') else { return Json::Null };
    if site.site.config.languages.get(lang).is_none() {
        return Json::Null;
    }
    let (id, view) = match (rest.strip_suffix("/index.html"), rest.strip_suffix("/side-by-side.html")) {
        (Some(id), _) => (id, "tutorial"),
        (None, Some(id)) => (id, "side-by-side"),
        _ => return Json::Null,
    };
    match site.site.tutorial(id) {
        Some(_) => json!({ "lang": lang, "id": id, "view": view }),
        None => Json::Null,
    }
}

/// Why a request was not carried out: a status, a code and a sentence (see the header).
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    more: serde_json::Map<String, Json>,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal { status, code, message: message.into(), more: serde_json::Map::new() }
    }

    fn bad_request(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    fn with(mut self, key: &str, value: Json) -> Refusal {
        self.more.insert(key.to_string(), value);
        self
    }

    /// The refusal of an edit that `check` would report: every error, as it prints them.
    fn invalid(diags: &Diagnostics, source: Option<&str>) -> Refusal {
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        let message = errors.first().map_or_else(|| "the file has errors".to_string(), |d| d.headline());
        let text: Vec<String> = errors.iter().map(|d| d.render(source)).collect();
        Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
            .with("diagnostics", Json::Array(errors.iter().map(|d| diagnostic_json(d)).collect()))
            .with("text", Json::String(text.join("\n\n")))
    }

    pub(crate) fn response(self) -> Response {
        let mut body = serde_json::Map::new();
        body.insert("ok".into(), Json::Bool(false));
        body.insert("error".into(), Json::String(self.code.into()));
        body.insert("message".into(), Json::String(self.message));
        body.extend(self.more);
        json_response(self.status, &Json::Object(body))
    }
}

impl axum::response::IntoResponse for Refusal {
    fn into_response(self) -> Response {
        self.response()
    }
}

/// A refusal as a response (for the server's own checks).
pub(crate) fn refusal(status: StatusCode, code: &'static str, message: &str) -> Response {
    Refusal::new(status, code, message).response()
}

fn diagnostic_json(d: &Diagnostic) -> Json {
    json!({
        "severity": if d.is_error() { "error" } else { "warning" },
        "file": display_path(&d.file),
        "line": d.pos.map(|p| p.line),
        "col": d.pos.map(|p| p.col),
        "message": d.message,
        "hint": d.hint,
    })
}

fn json_response(status: StatusCode, value: &Json) -> Response {
    let r = reply::respond(status, "application/json", value.to_string(), false);
    let mut r = r;
    r.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    r
}

/// What the editor's handlers reach of the server (taken from its state by
/// `FromRef`, so this module does not depend on the server's own type).
#[derive(Clone)]
pub(crate) struct EditState {
    pub(crate) shared: Arc<Shared>,
    /// `None` when edit mode is off.
    pub(crate) editor: Option<Arc<Editor>>,
}

fn editor_of(app: &EditState) -> Result<Arc<Editor>, Refusal> {
    app.editor.clone().ok_or_else(|| {
        Refusal::new(
            StatusCode::FORBIDDEN,
            "edit_off",
            "editing is off: serve listens on an address other machines can reach; restart it with --edit to allow editing",
        )
    })
}

/// Runs a blocking piece of an edit off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Refusal> + Send + 'static) -> Result<T, Refusal> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| {
        Err(Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "io", "the edit failed inside the server"))
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct DocQuery {
    id: String,
}

/// `GET /__stepwise/edit/doc?id=`.
pub(crate) async fn doc(
    State(app): State<EditState>,
    headers: HeaderMap,
    query: Result<Query<DocQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Refusal> {
    let editor = editor_of(&app)?;
    editor.check_token(&headers)?;
    let Query(query) = query.map_err(|e| Refusal::bad_request(format!("the doc needs `?id=<tutorial id>`: {e}")))?;
    let site = app.shared.site();
    let value = blocking(move || doc::doc(&editor.root, &query.id, site.as_deref())).await?;
    Ok(json_response(StatusCode::OK, &value))
}

#[derive(Debug, Deserialize)]
pub(crate) struct SourceQuery {
    id: String,
    path: String,
}

/// `GET /__stepwise/edit/source?id=&path=`.
pub(crate) async fn source(
    State(app): State<EditState>,
    headers: HeaderMap,
    query: Result<Query<SourceQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Refusal> {
    let editor = editor_of(&app)?;
    editor.check_token(&headers)?;
    let Query(q) = query.map_err(|e| Refusal::bad_request(format!("the source needs `?id=...&path=...`: {e}")))?;
    let (bytes, content_type) = blocking(move || doc::source_image(&editor.root, &q.id, &q.path)).await?;
    let mut r = reply::respond(StatusCode::OK, content_type, bytes, false);
    r.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(r)
}

/// An edit request: which file, the hash it was loaded with, and the op.
#[derive(Debug, Deserialize)]
pub(crate) struct EditRequest {
    pub(crate) id: String,
    pub(crate) hash: String,
    #[serde(flatten)]
    pub(crate) op: ops::Op,
}

/// `POST /__stepwise/edit`.
pub(crate) async fn edit(State(app): State<EditState>, headers: HeaderMap, body: Body) -> Result<Response, Refusal> {
    let editor = editor_of(&app)?;
    editor.check_write(&headers)?;
    check_length(&headers, MAX_EDIT_BYTES, "an edit")?;
    let bytes = reply::read_body(body, MAX_EDIT_BYTES).await.map_err(body_refusal)?;
    let request: EditRequest =
        serde_json::from_slice(&bytes).map_err(|e| Refusal::bad_request(format!("not an edit request: {e}")))?;
    let site = app.shared.site();
    let value = blocking(move || {
        let _one_at_a_time = editor.writes.lock().unwrap_or_else(|e| e.into_inner());
        ops::apply(&editor.root, &request, site.as_deref())
    })
    .await?;
    Ok(json_response(StatusCode::OK, &value))
}

/// An upload: a screenshot for a step.
#[derive(Debug, Deserialize)]
pub(crate) struct UploadRequest {
    pub(crate) id: String,
    pub(crate) hash: String,
    pub(crate) step: usize,
    #[serde(default)]
    pub(crate) lang: Option<String>,
    pub(crate) data: String,
}

/// `POST /__stepwise/edit/image`.
pub(crate) async fn upload(State(app): State<EditState>, headers: HeaderMap, body: Body) -> Result<Response, Refusal> {
    let editor = editor_of(&app)?;
    editor.check_write(&headers)?;
    let root = editor.root.clone();
    let limits = blocking(move || ops::image_limits(&root)).await?;
    // Base64 takes 4 bytes for 3, and the JSON around it a little more.
    let limit = usize::try_from(limits.max_file_bytes).unwrap_or(usize::MAX).saturating_mul(4) / 3 + 64 * 1024;
    check_length(&headers, limit, "an upload")?;
    let bytes = reply::read_body(body, limit).await.map_err(body_refusal)?;
    let request: UploadRequest =
        serde_json::from_slice(&bytes).map_err(|e| Refusal::bad_request(format!("not an image upload: {e}")))?;
    drop(bytes);
    let value = blocking(move || {
        let _one_at_a_time = editor.writes.lock().unwrap_or_else(|e| e.into_inner());
        ops::upload(&editor.root, &request, &limits)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &value))
}

/// Refuses a body announced as larger than `limit` before reading any of it.
fn check_length(headers: &HeaderMap, limit: usize, what: &str) -> Result<(), Refusal> {
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    match length {
        Some(n) if n > limit as u64 => Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("{what} may be at most {} KB; this one is {} KB", limit / 1024, n / 1024),
        )),
        _ => Ok(()),
    }
}

fn body_refusal((status, message): (StatusCode, String)) -> Refusal {
    let code = match status {
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        _ => "bad_request",
    };
    Refusal::new(status, code, message)
}

/// Warnings as `check` prints their headlines.
fn warnings(diags: &Diagnostics) -> Json {
    Json::Array(diags.iter().filter(|d| !d.is_error()).map(|d| Json::String(d.headline())).collect())
}

/// Texts per language, as the doc and the ops take them.
pub(crate) type PerLang = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(equal_in_constant_time(b"abc", b"abc"));
        assert!(!equal_in_constant_time(b"abc", b"abd"));
        assert!(!equal_in_constant_time(b"abc", b"abcd"));
        assert!(!equal_in_constant_time(b"", b"a"));
    }

    #[test]
    fn page_scripts_cannot_close_their_tag() {
        let editor = Editor { root: PathBuf::new(), token: "t".into(), writes: Mutex::new(()) };
        let s = editor.page_scripts("en/</script>/index.html", None);
        assert_eq!(s.matches("</script>").count(), 2, "{s}");
        assert!(s.contains("\"token\":\"t\""));
    }
}

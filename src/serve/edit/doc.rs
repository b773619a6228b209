//! `GET /__stepwise/edit/doc` and `/source`: a tutorial as written in its file now, with
//! its screenshots' sizes and the state of its translations, and a screenshot's bytes.

use std::path::Path;

use axum::http::StatusCode;
use serde_json::{Map, Value as Json, json};

use super::Refusal;
use super::files;
use super::ops::{self, Editing};
use crate::lang::Languages;
use crate::load::CONTENT_DIR;
use crate::load::yaml::Value;
use crate::model::{Localized, Rect};
use crate::pipeline::Loaded;
use crate::screenshot::{self, Verified};
use crate::yaml_edit::Seg;

/// The doc of the tutorial `id` (see the module header of `edit`).
pub(super) fn doc(root: &Path, id: &str, site: Option<&Loaded>) -> Result<Json, Refusal> {
    let e = ops::open(root, id, None)?;
    let langs = e.config.languages.clone();
    let t = &e.tutorial;
    let steps: Vec<Json> = t
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = i + 1;
            json!({
                "step": n,
                "text": text(&format!("steps[{n}].text"), &s.text, &langs),
                "alt": s.alt.as_ref().map(|a| text(&format!("steps[{n}].alt"), a, &langs)),
                "image": image(root, &e, i),
                "highlight": boxes(&s.highlight, &format!("steps[{n}].highlight"), &langs),
                "redact": boxes(&s.redact, &format!("steps[{n}].redact"), &langs),
            })
        })
        .collect();
    let notes: Vec<Json> = t
        .notes
        .iter()
        .enumerate()
        .map(|(i, note)| json!({ "kind": note.kind.as_str(), "text": text(&format!("notes[{}].text", i + 1), &note.text, &langs) }))
        .collect();
    Ok(json!({
        "ok": true,
        "id": t.id.as_str(),
        "file": crate::diagnostics::display_path(&e.file.shown),
        "hash": e.hash,
        "languages": langs.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "title": text("title", &t.title, &langs),
        "summary": t.summary.as_ref().map(|s| text("summary", s, &langs)),
        "steps": steps,
        "notes": notes,
        "translations": ops::translations(root, &e, site)?,
    }))
}

/// A text: its source per language as written, and whether it is one for every language.
fn text(field: &str, t: &Localized, langs: &Languages) -> Json {
    let values: Map<String, Json> =
        langs.iter().filter_map(|l| t.value(l).map(|v| (l.to_string(), Json::String(v.text.clone())))).collect();
    json!({ "field": field, "plain": !t.is_translatable(), "text": values })
}

fn boxes(rects: &[Rect], field: &str, langs: &Languages) -> Json {
    Json::Array(
        rects
            .iter()
            .enumerate()
            .map(|(k, r)| {
                json!({
                    "x": r.x, "y": r.y, "w": r.w, "h": r.h,
                    "label": r.label.as_ref().map(|l| text(&format!("{field}[{}].label", k + 1), l, langs)),
                })
            })
            .collect(),
    )
}

/// A step's screenshots by language: the path as written, and the size of the file.
fn image(root: &Path, e: &Editing, step: usize) -> Json {
    let Some(img) = &e.tutorial.steps[step].image else { return Json::Null };
    let at = [Seg::Key("steps".into()), Seg::Index(step), Seg::Key("image".into())];
    let source = e.config.languages.source();
    let written = |lang: &str| -> Option<String> {
        match &e.node(&at)?.value {
            Value::Str(s) if lang == source.as_str() => Some(s.clone()),
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == lang)?.1.as_str().map(str::to_string),
            _ => None,
        }
    };
    let content = crate::load::file::Folder::new(&root.join(CONTENT_DIR), "`content/`");
    let cache = crate::images::cache_dir(root);
    let mut out = Map::new();
    for (lang, key) in &img.per_lang {
        let path = written(lang.as_str()).unwrap_or_else(|| key.clone());
        let verified = Verified { dir: &cache, record: true };
        let entry = match screenshot::probe(&content, key, &e.config.images.limits, Some(verified)) {
            Ok(info) => json!({ "path": path, "width": info.width, "height": info.height }),
            Err(p) => json!({ "path": path, "width": null, "height": null, "error": p.message }),
        };
        out.insert(lang.to_string(), entry);
    }
    Json::Object(out)
}

/// The bytes and type of a screenshot of the tutorial `id`, unredacted, checked as any
/// screenshot is.
pub(super) fn source_image(root: &Path, id: &str, written: &str) -> Result<(Vec<u8>, &'static str), Refusal> {
    let file = files::tutorial(root, id)?;
    let (key, real) = files::image(root, &file, written)?;
    let limits = crate::config::load(root).map(|c| c.images.limits).map_err(|d| Refusal::invalid(&d, None))?;
    let info =
        screenshot::probe(&crate::load::file::Folder::new(&root.join(CONTENT_DIR), "`content/`"), &key, &limits, None)
            .map_err(|p| {
                Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("`{written}`: {}", p.message))
            })?;
    let bytes = std::fs::read(&real).map_err(|err| files::io_refusal(&real, &err))?;
    let content_type = match info.format.extension() {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        _ => "image/webp",
    };
    Ok((bytes, content_type))
}

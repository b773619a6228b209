//! Positioned YAML nodes -> domain types, one file at a time.
//!
//! Each decoder collects every problem in its file (unknown keys with "did you mean",
//! wrong shapes, bad dates, boxes outside the image...) instead of stopping at the first.
//! Cross-file checks (related ids, authors, names) happen in `model::assemble`; the
//! screenshots named are checked on disk by the pipeline, which also reports the boxes
//! written in pixels ([`PixelBox`]): only it knows the screenshot's size, which turns
//! the pixels into the fractions to write.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::field::{FieldPath, for_each_text, placeholder};
use super::ids::{CategoryPath, TutorialId, resolve_relative};
use super::links::{self, WrittenLink};
use super::scrub;
use super::types::*;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos, did_you_mean};
use crate::lang::{Lang, Languages};
use crate::load::SourceFile;
use crate::load::yaml::{self, Hazard, Key, KeySet, Node, Value};

/// An image reference as written, before it is checked on disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ImageRef {
    pub(crate) file: PathBuf,
    pub(crate) pos: Pos,
    /// Where the YAML says the image is, resolved against the YAML file's folder
    /// (lexically; the model checks it stays inside `content/`).
    pub(crate) path: PathBuf,
    pub(crate) written: String,
    /// `steps[2].image`.
    pub(crate) field: String,
}

/// A reference from a tutorial to another thing by id, checked once everything is loaded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IdRef<T> {
    pub(crate) pos: Pos,
    pub(crate) id: T,
}

/// A highlight or redact box written in pixels (`{x: 120, y: 700, w: 90, h: 80}`)
/// instead of fractions of the image. Not a usable box: the tutorial is not built, and
/// the pipeline reports it with the screenshot's real size ([`PixelBox::diagnostic`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PixelBox {
    pub(crate) file: PathBuf,
    pub(crate) pos: Pos,
    /// `steps[1].highlight[2]`.
    pub(crate) field: String,
    /// x, y, w, h as written.
    pub(crate) values: [f64; 4],
    /// The step's screenshot in the source language (content-relative), if it has one.
    pub(crate) image: Option<String>,
}

impl PixelBox {
    /// The error, with the fractions to write when the screenshot's size (`width`,
    /// `height` in pixels) is known.
    pub(crate) fn diagnostic(&self, size: Option<(u32, u32)>) -> Diagnostic {
        let [x, y, w, h] = self.values;
        let message = format!(
            "`{}` is in pixels (x: {}, y: {}, w: {}, h: {}); box values are fractions of the image, from 0 to 1",
            self.field,
            number(x),
            number(y),
            number(w),
            number(h)
        );
        let hint = match size {
            Some((width, height)) if x + w <= f64::from(width) && y + h <= f64::from(height) => {
                let (fw, fh) = (f64::from(width), f64::from(height));
                let (fx, fy) = (round3(x / fw), round3(y / fh));
                // Rounding must not push the box past the edge.
                let (fw, fh) = (round3(w / fw).min(round3(1.0 - fx)), round3(h / fh).min(round3(1.0 - fy)));
                format!(
                    "the screenshot is {width} × {height} px: write {{x: {}, y: {}, w: {}, h: {}}}",
                    number(fx),
                    number(fy),
                    number(fw),
                    number(fh)
                )
            }
            Some((width, height)) => format!(
                "the screenshot is {width} × {height} px and the box reaches outside it: measure the box on this \
                 screenshot, then divide x and w by {width}, y and h by {height}"
            ),
            None => "divide x and w by the screenshot's width, y and h by its height: at 120 px in a 1080 px wide \
                     screenshot, x is 0.111"
                .into(),
        };
        Diagnostic::error(&self.file, Some(self.pos), message).with_hint(hint)
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A number as a writer would type it: `0.25`, `120`, not `0.250` or `120.0`.
fn number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A tag as a tutorial writes it (`WeChat Pay`), with the slug its URL uses.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TagRef {
    pub(crate) pos: Pos,
    pub(crate) slug: String,
    pub(crate) written: String,
}

/// What a tutorial file yielded. References are kept even when the file has errors, so
/// the cross-file checks (images, ids) still report their problems in the same run.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct DecodedTutorial {
    /// Shared with every `Site` built from this decoding (the preview server keeps it
    /// across edits of other files).
    pub(crate) tutorial: Option<Arc<Tutorial>>,
    pub(crate) images: Vec<ImageRef>,
    pub(crate) related_refs: Vec<IdRef<TutorialId>>,
    pub(crate) author_ref: Option<IdRef<String>>,
    pub(crate) pixel_boxes: Vec<PixelBox>,
    /// The tags as written, in order (one per slug).
    pub(crate) tags: Vec<TagRef>,
    /// The links the tutorial's texts hold (checked against the whole site later).
    pub(crate) links: Vec<WrittenLink>,
}

pub(crate) struct Decoder<'a> {
    file: &'a Path,
    languages: &'a Languages,
    pub(crate) diags: Diagnostics,
    /// What the parser silently took out of plain values, by the value's position.
    hazards: HashMap<Pos, Hazard>,
    /// Boxes of the step being decoded that are written in pixels.
    pixel_boxes: Vec<PixelBox>,
}

const TUTORIAL_KEYS: &[&str] = &["title", "summary", "date", "updated", "tags", "author", "related", "steps", "notes"];
const STEP_KEYS: &[&str] = &["text", "image", "alt", "highlight", "redact"];
const BOX_KEYS: &[&str] = &["x", "y", "w", "h", "label"];
const NOTE_KEYS: &[&str] = &["kind", "text"];
const CATEGORY_KEYS: &[&str] = &["title", "description", "order"];
const AUTHOR_KEYS: &[&str] = &["name", "bio"];

impl<'a> Decoder<'a> {
    pub(crate) fn new(file: &'a Path, languages: &'a Languages) -> Self {
        Decoder { file, languages, diags: Diagnostics::new(), hazards: HashMap::new(), pixel_boxes: Vec::new() }
    }

    fn source_lang(&self) -> &'a Lang {
        self.languages.source()
    }

    fn error(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(self.file, Some(pos), message));
        self.last()
    }

    fn warning(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::warning(self.file, Some(pos), message));
        self.last()
    }

    fn last(&mut self) -> &mut Diagnostic {
        self.diags.last_mut()
    }

    /// Parses the file; a syntax error is reported and gives `None`.
    pub(crate) fn parse(&mut self, text: &str) -> Option<Node> {
        match yaml::parse_with_hazards(text) {
            Ok(mut parsed) => {
                self.hazards = parsed.hazards;
                scrub::scrub(&mut parsed.root, text, self.file, &mut self.diags);
                Some(parsed.root)
            }
            Err(e) => {
                let d = self.error(e.pos, e.message);
                if let Some(h) = e.hint {
                    d.hint = Some(h);
                }
                None
            }
        }
    }

    /// The entries of a mapping, with unknown keys reported. `what` names the thing
    /// for messages ("a step").
    fn fields<'n>(&mut self, node: &'n Node, allowed: &[&str], what: &str) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            self.error(node.pos, format!("{what} must be a mapping of keys, found {}", node.kind_name()));
            return None;
        };
        let mut fields = Fields { entries: Vec::new(), misspelt: Vec::new() };
        for (key, value) in entries {
            if allowed.contains(&key.name.as_str()) {
                fields.entries.push((key, value));
            } else {
                let hint = did_you_mean(&key.name, allowed.iter().copied());
                fields.misspelt.extend(hint.map(str::to_owned));
                let msg = format!("unknown key `{}` in {what}", key.name);
                let d = self.error(key.pos, msg);
                d.hint = Some(match hint {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("allowed keys: {}", allowed.join(", ")),
                });
            }
        }
        Some(fields)
    }

    fn string(&mut self, node: &Node, field: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Str(_) | Value::Null => {
                self.error(node.pos, format!("`{field}` is empty"));
                None
            }
            _ => {
                self.error(node.pos, format!("`{field}` must be a text, found {}", node.kind_name()));
                None
            }
        }
    }

    /// Reports what YAML took out of a text value written without quotes.
    fn check_hazard(&mut self, node: &Node, key: &str, field: &str) {
        let Some(hazard) = self.hazards.get(&node.pos).cloned() else { return };
        let quoted =
            |written: &str| format!("put the whole text in quotes: {key}: \"{}\"", written.replace('"', "\\\""));
        match hazard {
            Hazard::Anchor { at, word, written } | Hazard::Tag { at, word, written } => {
                let what = if word.starts_with('&') { "an anchor name" } else { "a tag" };
                self.error(at, format!("`{field}` lost its first word: YAML reads `{word}` as {what}, not as text"))
                    .hint = Some(quoted(&written));
            }
            Hazard::Comment { at, rest, written } => {
                self.warning(at, format!("`{field}` stops before ` #`: YAML reads `{rest}` as a comment")).hint =
                    Some(format!("{}; if it is a comment, put it on a line of its own", quoted(&written)));
            }
        }
    }

    /// A translatable text: `{zh: .., en: ..}` or one plain string for every language.
    pub(crate) fn text(&mut self, node: &Node, field: &str) -> Option<Localized> {
        let source = self.source_lang();
        match &node.value {
            Value::Str(s) if !s.trim().is_empty() => {
                let key = field.rsplit('.').next().unwrap_or(field).to_string();
                self.check_hazard(node, &key, field);
                Some(Localized::everywhere(s.trim().to_string(), node.pos, source))
            }
            Value::Map(entries) => {
                let mut values = BTreeMap::new();
                let mut ok = true;
                let splits = comma_splits(entries, self.languages);
                for (i, (key, v)) in entries.iter().enumerate() {
                    let Some(lang) = self.languages.get(&key.name) else {
                        ok = false;
                        match splits.iter().find(|s| s.pieces.contains(&i)) {
                            Some(split) if split.pieces.first() == Some(&i) => self.comma_split(entries, split, field),
                            Some(_) => {}
                            None => self.unknown_language(key, field),
                        }
                        continue;
                    };
                    match &v.value {
                        Value::Str(s) if !s.trim().is_empty() => {
                            self.check_hazard(v, &key.name, field);
                            values.insert(lang.clone(), Spanned { text: s.trim().to_string(), pos: v.pos });
                        }
                        Value::Str(_) | Value::Null => {
                            // An empty translation is the same as a missing one; the
                            // source language may not be empty.
                            if key.name == source.as_str() {
                                ok = false;
                                self.error(v.pos, format!("the {source} text of `{field}` is empty"));
                            }
                        }
                        _ => {
                            ok = false;
                            self.error(
                                v.pos,
                                format!("the {} text of `{field}` must be a text, found {}", key.name, v.kind_name()),
                            )
                            .hint = Some("if the text starts with `[` or `{`, put it in quotes".into());
                        }
                    }
                }
                if !ok {
                    return None;
                }
                if !values.contains_key(source) {
                    self.error(node.pos, format!("`{field}` has no {source} text (the source language)")).hint =
                        Some(format!("add `{source}: ...`: other languages fall back to it"));
                    return None;
                }
                for lang in self.languages.targets() {
                    if !values.contains_key(lang) {
                        let msg = format!("`{field}` has no {lang} translation; the {source} text is shown");
                        self.warning(node.pos, msg);
                    }
                }
                Some(Localized::per_language(values, node.pos))
            }
            Value::Null | Value::Str(_) => {
                self.error(node.pos, format!("`{field}` is empty"));
                None
            }
            Value::Seq(_) => {
                self.error(node.pos, format!("`{field}` must be a text or a mapping of languages, found a list"))
                    .hint = Some("if the text starts with `[`, put it in quotes".into());
                None
            }
        }
    }

    /// `{zh: …, en: If it fails, check the cable}`: the comma ended the text, and YAML read
    /// the rest as keys. One error, at the first piece, with the quoted text to write.
    fn comma_split(&mut self, entries: &[(Key, Node)], split: &CommaSplit, field: &str) {
        let (lang_key, lang_value) = &entries[split.text];
        let mut whole = lang_value.as_str().unwrap_or("").to_string();
        for &i in &split.pieces {
            let (key, value) = &entries[i];
            whole.push_str(", ");
            whole.push_str(&key.name);
            if let Some(v) = value.as_str() {
                whole.push_str(": ");
                whole.push_str(v);
            }
        }
        let first = &entries[split.pieces[0]].0;
        self.error(
            first.pos,
            format!(
                "a comma inside `{{...}}` ends the {} text of `{field}`: YAML reads `{}` as another key",
                lang_key.name, first.name
            ),
        )
        .hint = Some(format!(
            "put the text in quotes: {}: \"{}\"",
            lang_key.name,
            whole.replace('\\', "\\\\").replace('"', "\\\"")
        ));
    }

    fn unknown_language(&mut self, key: &Key, field: &str) {
        let langs: Vec<&str> = self.languages.iter().map(Lang::as_str).collect();
        let hint = match did_you_mean(&key.name, langs.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the site's languages (site.toml) are {}", langs.join(", ")),
        };
        self.error(key.pos, format!("`{}` in `{field}` is not one of the site's languages", key.name)).hint =
            Some(hint);
    }

    fn date(&mut self, node: &Node, field: &str) -> Option<Date> {
        let s = self.string(node, field)?;
        let date = Date::parse(&s);
        if date.is_none() {
            self.error(node.pos, format!("`{field}` is not a valid date: `{s}`")).hint =
                Some("write a real calendar date as YYYY-MM-DD, e.g. 2024-05-01".into());
        }
        date
    }

    fn list<'n>(&mut self, node: &'n Node, field: &str) -> Option<&'n [Node]> {
        match &node.value {
            Value::Seq(items) => Some(items),
            Value::Null => Some(&[]),
            _ => {
                self.error(node.pos, format!("`{field}` must be a list, found {}", node.kind_name())).hint =
                    Some(format!("write `{field}: [a, b]` or one `- item` per line"));
                None
            }
        }
    }

    fn number(&mut self, node: &Node, field: &str) -> Option<f64> {
        let parsed = node.as_str().and_then(|s| s.trim().parse::<f64>().ok()).filter(|v| v.is_finite());
        if parsed.is_none() {
            self.error(node.pos, format!("`{field}` must be a number, found {}", describe(node)));
        }
        parsed
    }

    fn rects(&mut self, node: &Node, field: &str) -> Vec<Rect> {
        let Some(items) = self.list(node, field) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{field}[{}]", i + 1);
            let Some(f) = self.fields(item, BOX_KEYS, &format!("`{path}`")) else {
                continue;
            };
            if let Some(values) = pixel_values(&f.entries) {
                self.pixel_boxes.push(PixelBox {
                    file: self.file.to_path_buf(),
                    pos: item.pos,
                    field: path,
                    values,
                    image: None,
                });
                continue;
            }
            let mut vals = [None; 4];
            let mut label = None;
            for (key, v) in &f.entries {
                match key.name.as_str() {
                    "label" => label = self.text(v, &format!("{path}.label")),
                    name => {
                        let idx = ["x", "y", "w", "h"].iter().position(|k| *k == name).unwrap_or(0);
                        let Some(num) = self.number(v, &format!("{path}.{name}")) else {
                            continue;
                        };
                        if !(0.0..=1.0).contains(&num) {
                            self.error(
                                v.pos,
                                format!("`{path}.{name}` is {num}; box values are fractions of the image, from 0 to 1"),
                            )
                            .hint = Some("for a box at 120 px in a 1080 px wide screenshot, write 0.11".into());
                            continue;
                        }
                        vals[idx] = Some(num);
                    }
                }
            }
            let missing: Vec<&str> =
                ["x", "y", "w", "h"].iter().zip(vals).filter(|(_, v)| v.is_none()).map(|(k, _)| *k).collect();
            if !missing.is_empty() {
                if !f.entries.iter().any(|(k, _)| missing.contains(&k.name.as_str())) {
                    self.error(item.pos, format!("`{path}` needs {}", missing.join(", "))).hint =
                        Some("a box is {x: 0.1, y: 0.2, w: 0.3, h: 0.05}".into());
                }
                continue;
            }
            let [Some(x), Some(y), Some(w), Some(h)] = vals else {
                continue;
            };
            if w <= 0.0 || h <= 0.0 {
                self.error(item.pos, format!("`{path}` has no area (w and h must be above 0)"));
                continue;
            }
            if x + w > 1.0 + 1e-9 || y + h > 1.0 + 1e-9 {
                self.error(
                    item.pos,
                    format!(
                        "`{path}` reaches outside the image (x+w = {:.3}, y+h = {:.3}; both must be at most 1)",
                        x + w,
                        y + h
                    ),
                );
                continue;
            }
            out.push(Rect { x, y, w, h, label });
        }
        out
    }

    fn image(&mut self, node: &Node, yaml_dir: &str, field: &str, refs: &mut Vec<ImageRef>) -> Option<StepImage> {
        let source = self.source_lang();
        let mut per_lang = BTreeMap::new();
        let mut add = |this: &mut Self, lang: &Lang, v: &Node| {
            let written = this.string(v, field)?;
            let resolved = match resolve_relative(yaml_dir, &written) {
                Some(p) => p,
                None => {
                    this.error(v.pos, format!("`{field}` leads outside the content folder: `{written}`")).hint =
                        Some("screenshots must be inside `content/`, usually in a folder beside the YAML file".into());
                    return None;
                }
            };
            refs.push(ImageRef {
                file: this.file.to_path_buf(),
                pos: v.pos,
                path: PathBuf::from(&resolved),
                written,
                field: field.to_string(),
            });
            per_lang.insert(lang.clone(), resolved);
            Some(())
        };
        match &node.value {
            Value::Map(entries) => {
                for (key, v) in entries {
                    match self.languages.get(&key.name) {
                        Some(lang) => {
                            add(self, lang, v);
                        }
                        None => self.unknown_language(key, field),
                    }
                }
                if !entries.iter().any(|(k, _)| source == k.name.as_str()) {
                    self.error(node.pos, format!("`{field}` has no {source} image (the source language)"));
                    return None;
                }
            }
            _ => {
                add(self, source, node)?;
            }
        }
        per_lang.contains_key(source).then_some(StepImage { pos: node.pos, per_lang })
    }

    /// Decodes one tutorial file.
    pub(crate) fn tutorial(mut self, file: &SourceFile) -> (DecodedTutorial, Diagnostics) {
        let empty = DecodedTutorial::default;
        let Some(root) = self.parse(&file.text) else {
            return (empty(), self.diags);
        };
        if root.value == Value::Null {
            self.error(Pos::START, "the tutorial is empty").hint =
                Some("run `stepwise new CATEGORY/SLUG` for a skeleton with every key".into());
            return (empty(), self.diags);
        }
        let Some(f) = self.fields(&root, TUTORIAL_KEYS, "a tutorial") else {
            return (empty(), self.diags);
        };
        let id = TutorialId::new(file.key.as_str());
        let category = id.category();
        let yaml_dir = category.to_string();

        let mut title = None;
        let mut summary = None;
        let mut date = None;
        let mut updated = None;
        let mut tags: Vec<TagRef> = Vec::new();
        let mut author_ref = None;
        let mut related_refs = Vec::new();
        let mut steps = Vec::new();
        let mut notes = Vec::new();
        let mut images = Vec::new();
        let mut step_count = 0;
        let mut pixel_boxes = Vec::new();

        for (key, v) in &f.entries {
            match key.name.as_str() {
                "title" => title = self.text(v, "title"),
                "summary" => summary = self.text(v, "summary"),
                "date" => date = self.date(v, "date"),
                "updated" => updated = self.date(v, "updated"),
                "author" => author_ref = self.string(v, "author").map(|id| IdRef { pos: v.pos, id }),
                "tags" => tags = self.tags(v),
                "related" => {
                    for (i, item) in self.list(v, "related").unwrap_or(&[]).iter().enumerate() {
                        if let Some(rid) = self.string(item, &format!("related[{}]", i + 1)) {
                            let rid = TutorialId::new(rid.trim_matches('/').trim_end_matches(".yaml"));
                            if rid == id {
                                self.warning(item.pos, "a tutorial cannot be related to itself; ignored");
                            } else {
                                related_refs.push(IdRef { pos: item.pos, id: rid });
                            }
                        }
                    }
                }
                "steps" => {
                    let items = self.list(v, "steps").unwrap_or(&[]);
                    if items.is_empty() && matches!(v.value, Value::Seq(_) | Value::Null) {
                        self.error(v.pos, "`steps` is empty; a tutorial needs at least one step");
                    }
                    step_count = items.len();
                    for (i, item) in items.iter().enumerate() {
                        if let Some(step) = self.step(item, i + 1, &yaml_dir, &mut images) {
                            steps.push(step);
                        }
                        pixel_boxes.append(&mut self.pixel_boxes);
                    }
                }
                "notes" => {
                    for (i, item) in self.list(v, "notes").unwrap_or(&[]).iter().enumerate() {
                        if let Some(note) = self.note(item, i + 1) {
                            notes.push(note);
                        }
                    }
                }
                _ => {}
            }
        }
        for name in ["title", "date"] {
            if f.lacks(name) {
                self.error(Pos::START, format!("the tutorial has no `{name}`")).hint = Some(match name {
                    "title" => "add `title: {zh: ..., en: ...}`".into(),
                    _ => "add `date: YYYY-MM-DD` (the day it was published)".into(),
                });
            }
        }
        if f.lacks("steps") {
            self.error(Pos::START, "the tutorial has no `steps`").hint =
                Some("add `steps:` with one `- text: {...}` per step".into());
        }
        if let (Some(d), Some(u)) = (date, updated)
            && u < d
        {
            let pos = f.get("updated").map_or(Pos::START, |n| n.pos);
            self.warning(pos, format!("`updated` ({u}) is before `date` ({d})"));
        }
        let complete = !self.diags.has_errors() && steps.len() == step_count && pixel_boxes.is_empty();
        let tutorial = match (title, date) {
            (Some(title), Some(date)) if complete => Some(Tutorial {
                id,
                file: file.path.clone(),
                source: file.fingerprint(),
                category,
                title,
                summary,
                date,
                updated,
                tags: tags.iter().map(|t| t.slug.clone()).collect(),
                author: author_ref.as_ref().map(|r| r.id.clone()),
                related: related_refs.iter().map(|r| r.id.clone()).collect(),
                steps,
                notes,
            }),
            _ => None,
        };
        if let Some(t) = &tutorial {
            for_each_text(t, |path, text| {
                if let Some(d) = placeholder(&file.path, &path, text, self.languages) {
                    self.diags.push(d);
                }
            });
        }
        let links = tutorial.as_ref().map(links::written_in).unwrap_or_default();
        let decoded = DecodedTutorial {
            tutorial: tutorial.map(Arc::new),
            images,
            related_refs,
            author_ref,
            pixel_boxes,
            tags,
            links,
        };
        (decoded, self.diags)
    }

    fn tags(&mut self, node: &Node) -> Vec<TagRef> {
        let mut tags: Vec<TagRef> = Vec::new();
        let mut seen = KeySet::default();
        for (i, item) in self.list(node, "tags").unwrap_or(&[]).iter().enumerate() {
            let Some(tag) = self.string(item, &format!("tags[{}]", i + 1)) else {
                continue;
            };
            let slug = tag_slug(&tag);
            if slug.is_empty() {
                self.error(item.pos, format!("tag `{tag}` has no letters or digits"));
            } else if slug.len() > MAX_SLUG_BYTES {
                let msg = format!(
                    "tag `{}…` is too long: its URL name is {} bytes, at most {MAX_SLUG_BYTES} fit in a file name",
                    tag.chars().take(24).collect::<String>(),
                    slug.len()
                );
                self.error(item.pos, msg).hint =
                    Some("a tag is a word or two (`refund`, `WeChat Pay`); put longer words in the text".into());
            } else if seen.repeats(&tags, |t| &t.slug, &slug) {
                self.warning(item.pos, format!("tag `{tag}` is listed twice"));
            } else {
                tags.push(TagRef { pos: item.pos, slug, written: tag });
            }
        }
        tags
    }

    fn step(&mut self, node: &Node, n: usize, yaml_dir: &str, images: &mut Vec<ImageRef>) -> Option<Step> {
        let path = format!("steps[{n}]");
        let f = self.fields(node, STEP_KEYS, &format!("step {n}"))?;
        let mut text = None;
        let mut image = None;
        let mut alt = None;
        let mut highlight = Vec::new();
        let mut redact = Vec::new();
        for (key, v) in &f.entries {
            let field = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "text" => text = self.text(v, &field),
                "image" => image = self.image(v, yaml_dir, &field, images),
                "alt" => alt = self.text(v, &field),
                "highlight" => highlight = self.rects(v, &field),
                "redact" => redact = self.rects(v, &field),
                _ => {}
            }
        }
        // The step's boxes in pixels need its screenshot's size (the pipeline has it).
        let source_image = image.as_ref().and_then(|i: &StepImage| i.per_lang.get(self.source_lang())).cloned();
        for b in &mut self.pixel_boxes {
            b.image.clone_from(&source_image);
        }
        if f.lacks("text") {
            self.error(node.pos, format!("step {n} has no `text`")).hint =
                Some("every step says what to do: `text: {zh: ..., en: ...}`".into());
        }
        if image.is_none() && f.has("image") {
            return None;
        }
        if image.is_none() {
            for k in ["highlight", "redact"] {
                if let Some(v) = f.get(k) {
                    self.error(v.pos, format!("`{path}.{k}` needs an `image` to draw on"));
                }
            }
            if let Some(v) = f.get("alt") {
                self.warning(v.pos, format!("`{path}.alt` is ignored: the step has no image"));
            }
        } else if alt.is_none() && !f.has("alt") {
            self.warning(node.pos, format!("step {n} has no `alt` text for its screenshot; the step text is used"))
                .hint = Some("describe what the screenshot shows, for screen-reader users".into());
        }
        if !self.pixel_boxes.is_empty() {
            return None;
        }
        Some(Step { pos: node.pos, text: text?, image, alt, highlight, redact })
    }

    fn note(&mut self, node: &Node, n: usize) -> Option<Note> {
        let f = self.fields(node, NOTE_KEYS, &format!("note {n}"))?;
        let mut kind = Some(NoteKind::Note);
        let mut text = None;
        for (key, v) in &f.entries {
            match key.name.as_str() {
                "kind" => {
                    let s = self.string(v, &format!("notes[{n}].kind"))?;
                    kind = NoteKind::parse(&s);
                    if kind.is_none() {
                        let hint = did_you_mean(&s, NoteKind::NAMES)
                            .map_or_else(|| "use tip, note or warning".to_string(), |c| format!("did you mean `{c}`?"));
                        self.error(v.pos, format!("unknown note kind `{s}`")).hint = Some(hint);
                    }
                }
                "text" => text = self.text(v, &format!("notes[{n}].text")),
                _ => {}
            }
        }
        if f.lacks("text") {
            self.error(node.pos, format!("note {n} has no `text`"));
        }
        Some(Note { kind: kind?, text: text? })
    }

    /// Decodes a `_category.yaml`.
    pub(crate) fn category(mut self, file: &SourceFile) -> (Option<Category>, Diagnostics) {
        let Some(root) = self.parse(&file.text) else {
            return (None, self.diags);
        };
        let Some(f) = self.fields(&root, CATEGORY_KEYS, "a category") else {
            return (None, self.diags);
        };
        let mut title = None;
        let mut description = None;
        let mut order = 0;
        for (key, v) in &f.entries {
            match key.name.as_str() {
                "title" => title = self.text(v, "title"),
                "description" => description = self.text(v, "description"),
                "order" => match v.as_str().and_then(|s| s.parse::<i64>().ok()) {
                    Some(o) => order = o,
                    None => {
                        self.error(v.pos, format!("`order` must be a whole number, found {}", describe(v)));
                    }
                },
                _ => {}
            }
        }
        if f.lacks("title") {
            self.error(Pos::START, "the category has no `title`").hint = Some("add `title: {zh: ..., en: ...}`".into());
        }
        if self.diags.has_errors() {
            return (None, self.diags);
        }
        for (path, text) in [(FieldPath::Title, title.as_ref()), (FieldPath::Description, description.as_ref())] {
            if let Some(d) = text.and_then(|text| placeholder(&file.path, &path, text, self.languages)) {
                self.diags.push(d);
            }
        }
        let category = title.map(|title| Category {
            path: CategoryPath::new(file.key.as_str()),
            file: Some(file.path.clone()),
            title,
            description,
            order,
        });
        (category, self.diags)
    }

    /// Decodes `_authors.yaml`: id -> {name, bio}.
    pub(crate) fn authors(mut self, file: &SourceFile) -> (Vec<Author>, Diagnostics) {
        let Some(root) = self.parse(&file.text) else {
            return (Vec::new(), self.diags);
        };
        let mut out = Vec::new();
        match &root.value {
            Value::Null => {}
            Value::Map(entries) => {
                for (key, v) in entries {
                    let Some(f) = self.fields(v, AUTHOR_KEYS, &format!("author `{}`", key.name)) else {
                        continue;
                    };
                    let mut name = None;
                    let mut bio = None;
                    for (k, v) in &f.entries {
                        match k.name.as_str() {
                            "name" => name = self.text(v, &format!("{}.name", key.name)),
                            "bio" => bio = self.text(v, &format!("{}.bio", key.name)),
                            _ => {}
                        }
                    }
                    if f.lacks("name") {
                        self.error(key.pos, format!("author `{}` has no `name`", key.name));
                    }
                    let fields = [
                        (FieldPath::AuthorName(key.name.clone()), name.as_ref()),
                        (FieldPath::AuthorBio(key.name.clone()), bio.as_ref()),
                    ];
                    for (path, text) in fields {
                        if let Some(d) = text.and_then(|text| placeholder(&file.path, &path, text, self.languages)) {
                            self.diags.push(d);
                        }
                    }
                    if let Some(name) = name {
                        out.push(Author { id: key.name.clone(), name, bio });
                    }
                }
            }
            _ => {
                self.error(
                    root.pos,
                    format!("`_authors.yaml` must map author ids to {{name, bio}}, found {}", root.kind_name()),
                );
            }
        }
        (out, self.diags)
    }
}

/// One entry of `_tags.yaml`: a tag and its name per language.
#[derive(Debug)]
pub(crate) struct TagNameEntry {
    pub(crate) pos: Pos,
    pub(crate) written: String,
    pub(crate) slug: String,
    pub(crate) name: Localized,
}

impl Decoder<'_> {
    /// Decodes `_tags.yaml`: tag -> its name, `{zh: 微信支付, en: WeChat Pay}` or one name
    /// for every language. A language without a name shows the tag as the tutorials
    /// write it: that is no missing translation.
    pub(crate) fn tag_names(mut self, file: &SourceFile) -> (Vec<TagNameEntry>, Diagnostics) {
        let Some(root) = self.parse(&file.text) else {
            return (Vec::new(), self.diags);
        };
        let mut out: Vec<TagNameEntry> = Vec::new();
        match &root.value {
            Value::Null => {}
            Value::Map(entries) => {
                for (key, v) in entries {
                    let slug = tag_slug(&key.name);
                    if slug.is_empty() {
                        self.error(key.pos, format!("tag `{}` has no letters or digits", key.name));
                        continue;
                    }
                    if let Some(first) = out.iter().find(|e| e.slug == slug) {
                        let msg = format!(
                            "`{}` is the same tag as `{}` on line {} (both are `{slug}` in URLs)",
                            key.name, first.written, first.pos.line
                        );
                        self.error(key.pos, msg).hint = Some("keep one of them".into());
                        continue;
                    }
                    let before = self.diags.iter().count();
                    let name = self.text(v, &key.name);
                    // Untranslated names fall back to the tag as written, not to the source.
                    let diags = std::mem::take(&mut self.diags);
                    self.diags = diags
                        .into_iter()
                        .enumerate()
                        .filter(|(i, d)| *i < before || d.is_error())
                        .map(|(_, d)| d)
                        .collect();
                    if let Some(name) = name {
                        out.push(TagNameEntry { pos: key.pos, written: key.name.clone(), slug, name });
                    }
                }
            }
            _ => {
                self.error(
                    root.pos,
                    format!(
                        "`_tags.yaml` must map tags to their names, e.g. `wechat-pay: {{zh: 微信支付, en: WeChat Pay}}`, found {}",
                        root.kind_name()
                    ),
                );
            }
        }
        (out, self.diags)
    }
}

struct Fields<'n> {
    entries: Vec<(&'n Key, &'n Node)>,
    /// The keys that unknown keys were taken for (`steps` for `stpes`).
    misspelt: Vec<String>,
}

impl<'n> Fields<'n> {
    fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.name == key)
    }

    /// A missing key is worth its own error only if no unknown key was its misspelling
    /// (`stpes:` is one mistake, reported once).
    fn lacks(&self, key: &str) -> bool {
        !self.has(key) && !self.misspelt.iter().any(|m| m == key)
    }

    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| *v)
    }
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => format!("`{s}`"),
        _ => node.kind_name().to_string(),
    }
}

/// A text that a comma inside `{...}` cut short: the entry holding its start
/// (`text`), and the entries YAML made of the rest (`pieces`).
struct CommaSplit {
    text: usize,
    pieces: Vec<usize>,
}

/// In a mapping of languages, the runs of entries that are the rest of the text before
/// them: on the same line as a language's text, with no value or with a space in the
/// key (no language code has one), and not a misspelt language code.
fn comma_splits(entries: &[(Key, Node)], languages: &Languages) -> Vec<CommaSplit> {
    let mut splits: Vec<CommaSplit> = Vec::new();
    let mut open: Option<CommaSplit> = None;
    for (i, (key, value)) in entries.iter().enumerate() {
        if languages.get(&key.name).is_some() {
            splits.extend(open.take().filter(|s| !s.pieces.is_empty()));
            if value.as_str().is_some() {
                open = Some(CommaSplit { text: i, pieces: Vec::new() });
            }
            continue;
        }
        let is_piece = key.name.contains(char::is_whitespace)
            || (value.value == Value::Null && did_you_mean(&key.name, languages.iter().map(Lang::as_str)).is_none());
        let continues = open.as_ref().is_some_and(|s| {
            let last = s.pieces.last().map_or(&entries[s.text].1.pos, |&p| &entries[p].0.pos);
            is_piece && last.line == key.pos.line
        });
        match open.as_mut() {
            Some(s) if continues => s.pieces.push(i),
            _ => splits.extend(open.take().filter(|s| !s.pieces.is_empty())),
        }
    }
    splits.extend(open.filter(|s| !s.pieces.is_empty()));
    splits
}

/// A box's x, y, w and h when they look like pixels: all present, none negative, some
/// above 1, and none a fraction between 0 and 1 (`{x: 2, y: 0, w: 0.1, h: 0.1}` is a
/// typo in a box of fractions, reported value by value).
fn pixel_values(entries: &[(&Key, &Node)]) -> Option<[f64; 4]> {
    let mut values = [0.0; 4];
    for (i, name) in ["x", "y", "w", "h"].iter().enumerate() {
        let (_, node) = entries.iter().find(|(k, _)| k.name == *name)?;
        values[i] = node.as_str()?.trim().parse::<f64>().ok().filter(|v| v.is_finite())?;
    }
    let pixels = values.iter().any(|v| *v > 1.0) && values.iter().all(|v| *v == 0.0 || *v >= 1.0);
    pixels.then_some(values)
}

/// `Account Security` -> `account-security`; CJK stays as written (`密码`).
/// A name that becomes one part of an output path (a tag's folder): file systems hold
/// 255 bytes, and the build's own suffixes need a few.
pub(crate) const MAX_SLUG_BYTES: usize = 200;

pub(crate) fn tag_slug(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == '-' || c == '_' || c.is_whitespace()) && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs() -> Languages {
        Languages::new(vec![Lang::new("zh"), Lang::new("en")]).unwrap()
    }

    fn decode(text: &str) -> (Option<Tutorial>, Vec<String>) {
        let file = SourceFile { path: "t.yaml".into(), key: "cat/t".into(), text: text.into() };
        let l = langs();
        let (t, d) = Decoder::new(Path::new("t.yaml"), &l).tutorial(&file);
        (t.tutorial.map(Arc::unwrap_or_clone), d.sorted().iter().map(Diagnostic::headline).collect())
    }

    const MINIMAL: &str =
        "title: {zh: 标题, en: Title}\ndate: 2024-05-01\nsteps:\n  - text: {zh: 点击【我的】, en: \"[My]\"}\n";

    #[test]
    fn decodes_a_minimal_tutorial() {
        let (t, d) = decode(MINIMAL);
        assert!(d.is_empty(), "{d:?}");
        let t = t.unwrap();
        assert_eq!(t.title.get("en", "zh").text, "Title");
        assert_eq!(t.steps[0].text.get("en", "zh").text, "[My]");
        assert_eq!(t.category, "cat");
    }

    #[test]
    fn reports_every_problem_with_positions() {
        let text = "title: {zh: 标题, eng: Title}\ndate: 2024-02-30\nstpes: []\n";
        let (t, d) = decode(text);
        assert!(t.is_none());
        assert_eq!(
            d,
            vec![
                "error: t.yaml:1:17: `eng` in `title` is not one of the site's languages",
                "error: t.yaml:2:7: `date` is not a valid date: `2024-02-30`",
                "error: t.yaml:3:1: unknown key `stpes` in a tutorial",
            ]
        );
    }

    #[test]
    fn missing_translation_is_a_warning() {
        let (t, d) = decode(&MINIMAL.replace(", en: Title", ""));
        assert!(t.is_some());
        assert_eq!(d, vec!["warning: t.yaml:1:8: `title` has no en translation; the zh text is shown"]);
    }

    /// A repeated tag is found and placed among few tags and among thousands (where a
    /// hash set does the looking), the same way.
    #[test]
    fn a_repeated_tag_is_found_among_few_and_many() {
        for count in [3, 5_000] {
            let mut tags: Vec<String> = (0..count).map(|i| format!("t{i}")).collect();
            tags.push("T1".into());
            let text = format!("{MINIMAL}tags:\n{}", tags.iter().map(|t| format!("  - {t}\n")).collect::<String>());
            let (t, d) = decode(&text);
            let line = 6 + count;
            assert_eq!(d, vec![format!("warning: t.yaml:{line}:5: tag `T1` is listed twice")], "{count} tags");
            assert_eq!(t.map(|t| t.tags.len()), Some(count));
        }
    }

    #[test]
    fn checks_boxes() {
        let text = format!(
            "{MINIMAL}    image: a.png\n    alt: x\n    highlight: [{{x: 0.9, y: 0.1, w: 0.2, h: 0.1}}, {{x: 2, y: 0, w: 0.1, h: 0.1}}]\n"
        );
        let (_, d) = decode(&text);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].contains("reaches outside the image"));
        assert!(d[1].contains("`steps[1].highlight[2].x` is 2"));
    }

    #[test]
    fn a_comma_splits_a_text_in_braces() {
        let file = SourceFile { path: "t.yaml".into(), key: "cat/t".into(), text: "".into() };
        let text = "title: {zh: 标题, en: If it fails, check the cable, or call us}\ndate: 2024-05-01\nsteps:\n  - text: {zh: a, en: b}\n";
        let l = langs();
        let (_, d) = Decoder::new(Path::new("t.yaml"), &l).tutorial(&SourceFile { text: text.into(), ..file });
        let d: Vec<String> = d.iter().map(|d| d.render(None)).collect();
        assert_eq!(
            d,
            vec![
                "error: t.yaml:1:34: a comma inside `{...}` ends the en text of `title`: YAML reads `check the cable` \
                 as another key\n  = hint: put the text in quotes: en: \"If it fails, check the cable, or call us\""
            ]
        );
        // A misspelt language stays one.
        let (_, d) = decode("title: {zh: 标题, eng: Title}\ndate: 2024-05-01\nsteps:\n  - text: {zh: a, en: b}\n");
        assert_eq!(d, vec!["error: t.yaml:1:17: `eng` in `title` is not one of the site's languages"]);
    }

    #[test]
    fn boxes_in_pixels_wait_for_the_screenshot() {
        let text =
            format!("{MINIMAL}    image: a.png\n    alt: x\n    highlight: [{{x: 120, y: 700, w: 90, h: 80}}]\n");
        let file = SourceFile { path: "t.yaml".into(), key: "cat/t".into(), text: text.into() };
        let l = langs();
        let (t, d) = Decoder::new(Path::new("t.yaml"), &l).tutorial(&file);
        assert!(t.tutorial.is_none() && d.is_empty(), "{d:?}");
        let b = &t.pixel_boxes[0];
        assert_eq!(b.image.as_deref(), Some("cat/a.png"));
        assert_eq!(
            b.diagnostic(Some((360, 780))).render(None),
            "error: t.yaml:7:17: `steps[1].highlight[1]` is in pixels (x: 120, y: 700, w: 90, h: 80); box values are \
             fractions of the image, from 0 to 1\n  = hint: the screenshot is 360 × 780 px: write {x: 0.333, y: 0.897, \
             w: 0.25, h: 0.103}"
        );
    }

    #[test]
    fn slugs_tags() {
        assert_eq!(tag_slug("Account Security"), "account-security");
        assert_eq!(tag_slug("微信 支付"), "微信-支付");
        assert_eq!(tag_slug("--"), "");
    }
}

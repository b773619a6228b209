//! The ops of `POST /__stepwise/edit` and the screenshot upload: each becomes a few
//! `yaml_edit` edits of the file's text, planned from what the file decodes to now, and
//! the result is decoded again (and its new screenshot probed) before it is written.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::http::StatusCode;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value as Json, json};

use super::files::{self, TutorialFile};
use super::{EditRequest, PerLang, Refusal, UploadRequest, warnings};
use crate::config::{self, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::i18n::{self, fields::Texts, lock::Lock};
use crate::lang::{Lang, Languages};
use crate::load::yaml::{Node, Value};
use crate::load::{CONTENT_DIR, SourceFile};
use crate::model::{self, Category, DocId, FieldPath, Localized, Rect, Tutorial};
use crate::pipeline::Loaded;
use crate::screenshot::{self, ImageInfo, Limits, Verified};
use crate::yaml_edit::{self, Edit, EditError, Seg};

/// One change, as the request names it (see the module header of `edit`).
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum Op {
    SetText {
        field: String,
        lang: String,
        text: String,
    },
    SetBoxes {
        step: usize,
        kind: BoxKind,
        boxes: Vec<BoxIn>,
    },
    AddStep {
        after: usize,
        #[serde(default)]
        text: PerLang,
    },
    DeleteStep {
        step: usize,
    },
    MoveStep {
        step: usize,
        to: usize,
    },
    SetImage {
        step: usize,
        path: String,
        #[serde(default)]
        lang: Option<String>,
    },
    Confirm {
        field: String,
        lang: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum BoxKind {
    Highlight,
    Redact,
}

impl BoxKind {
    fn key(self) -> &'static str {
        match self {
            BoxKind::Highlight => "highlight",
            BoxKind::Redact => "redact",
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct BoxIn {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    #[serde(default)]
    label: Option<LabelIn>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum LabelIn {
    Plain(String),
    PerLang(PerLang),
}

/// A text of a tutorial the ops can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Title,
    Summary,
    StepText(usize),
    StepAlt(usize),
    /// (step, kind, box), 0-based.
    Label(usize, BoxKind, usize),
    NoteText(usize),
}

impl Field {
    /// Reads `steps[3].text` (from 1), and `steps[3].redact[1].label`.
    pub(super) fn parse(s: &str) -> Option<Field> {
        let (path, kind) = match FieldPath::parse(s) {
            Some(p) => (p, BoxKind::Highlight),
            None if s.contains(".redact[") => {
                (FieldPath::parse(&s.replacen(".redact[", ".highlight[", 1))?, BoxKind::Redact)
            }
            None => return None,
        };
        Some(match path {
            FieldPath::Title => Field::Title,
            FieldPath::Summary => Field::Summary,
            FieldPath::StepText(i) => Field::StepText(i),
            FieldPath::StepAlt(i) => Field::StepAlt(i),
            FieldPath::BoxLabel(i, k) => Field::Label(i, kind, k),
            FieldPath::NoteText(i) => Field::NoteText(i),
            FieldPath::Description | FieldPath::AuthorName(_) | FieldPath::AuthorBio(_) => return None,
        })
    }

    /// The translation records' name of the field (redact labels have none).
    fn field_path(self) -> Option<FieldPath> {
        Some(match self {
            Field::Title => FieldPath::Title,
            Field::Summary => FieldPath::Summary,
            Field::StepText(i) => FieldPath::StepText(i),
            Field::StepAlt(i) => FieldPath::StepAlt(i),
            Field::Label(i, BoxKind::Highlight, k) => FieldPath::BoxLabel(i, k),
            Field::Label(_, BoxKind::Redact, _) => return None,
            Field::NoteText(i) => FieldPath::NoteText(i),
        })
    }

    fn segs(self) -> Vec<Seg> {
        let key = |k: &str| Seg::Key(k.to_string());
        match self {
            Field::Title => vec![key("title")],
            Field::Summary => vec![key("summary")],
            Field::StepText(i) => vec![key("steps"), Seg::Index(i), key("text")],
            Field::StepAlt(i) => vec![key("steps"), Seg::Index(i), key("alt")],
            Field::Label(i, kind, k) => vec![key("steps"), Seg::Index(i), key(kind.key()), Seg::Index(k), key("label")],
            Field::NoteText(i) => vec![key("notes"), Seg::Index(i), key("text")],
        }
    }

    fn optional(self) -> bool {
        matches!(self, Field::Summary | Field::StepAlt(_) | Field::Label(..))
    }

    /// The field's text now: `Err` when its step, box or note does not exist.
    fn current<'t>(self, t: &'t Tutorial, name: &str) -> Result<Option<&'t Localized>, Refusal> {
        let missing = || Refusal::bad_request(format!("the tutorial has no `{name}`"));
        Ok(match self {
            Field::Title => Some(&t.title),
            Field::Summary => t.summary.as_ref(),
            Field::StepText(i) => Some(&t.steps.get(i).ok_or_else(missing)?.text),
            Field::StepAlt(i) => t.steps.get(i).ok_or_else(missing)?.alt.as_ref(),
            Field::Label(i, kind, k) => {
                let step = t.steps.get(i).ok_or_else(missing)?;
                let boxes = if kind == BoxKind::Highlight { &step.highlight } else { &step.redact };
                boxes.get(k).ok_or_else(missing)?.label.as_ref()
            }
            Field::NoteText(i) => Some(&t.notes.get(i).ok_or_else(missing)?.text),
        })
    }
}

/// A tutorial file opened for an edit: its text and what it decodes to now.
pub(super) struct Editing {
    pub(super) file: TutorialFile,
    pub(super) config: SiteConfig,
    pub(super) hash: String,
    /// The file's text, with its BOM if it has one.
    pub(super) text: String,
    pub(super) tutorial: Arc<Tutorial>,
    /// The same text as positioned nodes (the loader's), for how values are written.
    pub(super) tree: Node,
}

impl Editing {
    fn langs(&self) -> &Languages {
        &self.config.languages
    }

    fn lang(&self, code: &str) -> Result<Lang, Refusal> {
        self.langs().get(code).cloned().ok_or_else(|| {
            let all: Vec<&str> = self.langs().iter().map(Lang::as_str).collect();
            Refusal::bad_request(format!("`{code}` is not one of the site's languages ({})", all.join(", ")))
        })
    }

    fn step_index(&self, step: usize) -> Result<usize, Refusal> {
        let n = self.tutorial.steps.len();
        match step.checked_sub(1) {
            Some(i) if i < n => Ok(i),
            _ => Err(Refusal::bad_request(format!("there is no step {step}: the tutorial has {n} steps"))),
        }
    }

    /// The node at `path` in the file as it is now.
    pub(super) fn node(&self, path: &[Seg]) -> Option<&Node> {
        let mut node = &self.tree;
        for seg in path {
            node = match (seg, &node.value) {
                (Seg::Key(k), Value::Map(entries)) => &entries.iter().find(|(key, _)| key.name == *k)?.1,
                (Seg::Index(i), Value::Seq(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Whether the value at `pos` is written as a flow mapping (`{zh: ..., en: ...}`).
    fn is_flow_at(&self, pos: Pos) -> bool {
        let body = self.text.strip_prefix('\u{feff}').unwrap_or(&self.text);
        body.lines().nth(pos.line.saturating_sub(1)).and_then(|l| l.chars().nth(pos.col.saturating_sub(1))) == Some('{')
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Decodes `text` as the tutorial file `file`, as `check` would.
fn decode(file: &TutorialFile, config: &SiteConfig, text: &str) -> (model::decode::DecodedTutorial, Diagnostics) {
    let source =
        SourceFile { path: file.shown.clone(), key: file.id.as_str().to_string(), text: strip_bom(text).into() };
    model::decode_tutorial(&source, config)
}

/// Opens the tutorial `id` for an edit made against `expected` (the hash the page was
/// loaded with; `None` to read it as it is). The file must decode without errors.
pub(super) fn open(root: &Path, id: &str, expected: Option<&str>) -> Result<Editing, Refusal> {
    let config = config::load(root).map_err(|d| Refusal::invalid(&d, None))?;
    let file = files::tutorial(root, id)?;
    let (bytes, hash) = files::read(&file.real)?;
    if let Some(expected) = expected
        && expected != hash
    {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "stale",
            format!(
                "{} changed on disk since the page was loaded (another editor, or git); load it again and redo the edit",
                crate::diagnostics::display_path(&file.shown)
            ),
        )
        .with("hash", Json::String(hash)));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let pos = crate::load::decode_utf8(e.into_bytes()).err();
            let d = Diagnostic::error(&file.shown, pos, "the file is not valid UTF-8");
            return Err(Refusal::invalid(&Diagnostics::from_iter([d]), None));
        }
    };
    let (decoded, diags) = decode(&file, &config, &text);
    let Some(tutorial) = decoded.tutorial.filter(|_| !diags.has_errors()) else {
        return Err(Refusal::invalid(&diags.sorted(), Some(strip_bom(&text))));
    };
    let tree = crate::load::yaml::parse(strip_bom(&text)).map_err(|e| {
        let d = Diagnostic::error(&file.shown, Some(e.pos), e.message);
        Refusal::invalid(&Diagnostics::from_iter([d]), Some(strip_bom(&text)))
    })?;
    Ok(Editing { file, config, hash, text, tutorial, tree })
}

/// `POST /__stepwise/edit`.
pub(super) fn apply(root: &Path, request: &EditRequest, site: Option<&Loaded>) -> Result<Json, Refusal> {
    let editing = open(root, &request.id, Some(&request.hash))?;
    if let Op::Confirm { field, lang } = &request.op {
        return confirm(root, &editing, field, lang, site);
    }
    let edits = plan(root, &editing, &request.op)?;
    let probe = match &request.op {
        Op::SetImage { step, .. } => Some(*step),
        _ => None,
    };
    let done = finish(root, &editing, &edits, probe)?;
    Ok(json!({ "ok": true, "hash": done.hash, "changed": done.changed, "warnings": warnings(&done.diagnostics) }))
}

/// The edits an op makes, to be applied in order.
fn plan(root: &Path, e: &Editing, op: &Op) -> Result<Vec<Edit>, Refusal> {
    match op {
        Op::SetText { field, lang, text } => set_text(e, field, lang, text),
        Op::SetBoxes { step, kind, boxes } => set_boxes(e, *step, *kind, boxes),
        Op::AddStep { after, text } => add_step(e, *after, text),
        Op::DeleteStep { step } => Ok(vec![Edit::RemoveItem { seq: steps(), index: e.step_index(*step)? }]),
        Op::MoveStep { step, to } => {
            let from = e.step_index(*step)?;
            let to = e.step_index(*to)?;
            Ok(vec![Edit::MoveItem { seq: steps(), from, to }])
        }
        Op::SetImage { step, path, lang } => {
            files::image(root, &e.file, path)?;
            set_image(e, *step, path, lang.as_deref())
        }
        // Handled by `apply`: it writes the lock file, not the YAML.
        Op::Confirm { .. } => Ok(Vec::new()),
    }
}

fn steps() -> Vec<Seg> {
    vec![Seg::Key("steps".into())]
}

fn with(path: &[Seg], seg: Seg) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
}

/// A text as stored: line breaks as `\n`, no spaces around (the decoder trims them).
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_string()
}

fn set_text(e: &Editing, name: &str, lang: &str, text: &str) -> Result<Vec<Edit>, Refusal> {
    let field = Field::parse(name).ok_or_else(|| {
        Refusal::bad_request(format!(
            "`{name}` is not a text of a tutorial (title, summary, steps[N].text, steps[N].alt, \
             steps[N].highlight[K].label, steps[N].redact[K].label, notes[N].text)"
        ))
    })?;
    let lang = e.lang(lang)?;
    let text = clean(text);
    let path = field.segs();
    let source = e.langs().source();
    let edit = match field.current(&e.tutorial, name)? {
        None if text.is_empty() => None,
        None => Some(Edit::SetYaml { path, yaml: format!("{{{lang}: {}}}", yaml_edit::scalar(&text, true)) }),
        Some(current) if !current.is_translatable() => match text.is_empty() {
            true if field.optional() => Some(Edit::RemoveKey { path }),
            _ => Some(Edit::SetText { path, value: text }),
        },
        Some(_) if text.is_empty() && lang == *source => match field.optional() {
            true => Some(Edit::RemoveKey { path }),
            // `check` refuses an empty source text, with its own message.
            false => Some(Edit::SetText { path: with(&path, Seg::Key(lang.to_string())), value: text }),
        },
        Some(_) if text.is_empty() => {
            let key = with(&path, Seg::Key(lang.to_string()));
            e.node(&key).is_some().then_some(Edit::RemoveKey { path: key })
        }
        Some(_) => Some(Edit::SetText { path: with(&path, Seg::Key(lang.to_string())), value: text }),
    };
    Ok(edit.into_iter().collect())
}

/// A box as it is written: coordinates rounded to 3 decimals, its label.
#[derive(Debug, Clone, PartialEq)]
struct Written {
    at: [f64; 4],
    label: Option<Label>,
}

/// A label: one text for every language, or texts by language.
#[derive(Debug, Clone, PartialEq)]
enum Label {
    Plain(String),
    PerLang(BTreeMap<Lang, String>),
}

fn round3(v: f64) -> f64 {
    // `+ 0.0` turns -0 into 0.
    (v * 1000.0).round() / 1000.0 + 0.0
}

/// A fraction as it is written: `0.8`, `0.125`, `1`, `0`.
fn fraction(v: f64) -> String {
    format!("{}", round3(v))
}

fn written_of(rect: &Rect, langs: &Languages) -> Written {
    let label = rect.label.as_ref().map(|l| match l.is_translatable() {
        false => Label::Plain(l.source(langs.source()).to_string()),
        true => Label::PerLang(langs.iter().filter_map(|g| l.value(g).map(|v| (g.clone(), v.text.clone()))).collect()),
    });
    Written { at: [rect.x, rect.y, rect.w, rect.h].map(round3), label }
}

fn written_in(b: &BoxIn, e: &Editing) -> Result<Written, Refusal> {
    let at = [b.x, b.y, b.w, b.h];
    if at.iter().any(|v| !v.is_finite()) {
        return Err(Refusal::bad_request("box values must be numbers"));
    }
    let label = match &b.label {
        None => None,
        Some(LabelIn::Plain(s)) => Some(Label::Plain(clean(s))).filter(|l| *l != Label::Plain(String::new())),
        Some(LabelIn::PerLang(map)) => {
            let mut texts = BTreeMap::new();
            for (code, text) in map {
                let text = clean(text);
                if !text.is_empty() {
                    texts.insert(e.lang(code)?, text);
                }
            }
            (!texts.is_empty()).then_some(Label::PerLang(texts))
        }
    };
    Ok(Written { at: at.map(round3), label })
}

/// A label as a flow value, languages in the site's order.
fn flow_label(label: &Label, langs: &Languages) -> String {
    match label {
        Label::Plain(s) => yaml_edit::scalar(s, true),
        Label::PerLang(texts) => {
            let parts: Vec<String> = langs
                .iter()
                .filter_map(|l| texts.get(l).map(|t| format!("{l}: {}", yaml_edit::scalar(t, true))))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

fn flow_box(b: &Written, langs: &Languages) -> String {
    let [x, y, w, h] = b.at.map(fraction);
    match &b.label {
        None => format!("{{x: {x}, y: {y}, w: {w}, h: {h}}}"),
        Some(l) => format!("{{x: {x}, y: {y}, w: {w}, h: {h}, label: {}}}", flow_label(l, langs)),
    }
}

fn set_boxes(e: &Editing, step: usize, kind: BoxKind, boxes: &[BoxIn]) -> Result<Vec<Edit>, Refusal> {
    let i = e.step_index(step)?;
    let langs = e.langs();
    let s = &e.tutorial.steps[i];
    let old: Vec<Written> = if kind == BoxKind::Highlight { &s.highlight } else { &s.redact }
        .iter()
        .map(|r| written_of(r, langs))
        .collect();
    let new: Vec<Written> = boxes.iter().map(|b| written_in(b, e)).collect::<Result<_, _>>()?;
    let list = vec![Seg::Key("steps".into()), Seg::Index(i), Seg::Key(kind.key().into())];
    if new.is_empty() {
        return Ok(e.node(&list).map(|_| Edit::RemoveKey { path: list.clone() }).into_iter().collect());
    }
    if old.is_empty() {
        let items: Vec<String> = new.iter().map(|b| flow_box(b, langs)).collect();
        return Ok(vec![Edit::SetYaml { path: list, yaml: format!("[{}]", items.join(", ")) }]);
    }
    // Unchanged boxes at both ends stay as they are written; the middle is changed in
    // place, box for box, then shortened or lengthened.
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
    let (old_mid, new_mid) = (&old[prefix..old.len() - suffix], &new[prefix..new.len() - suffix]);
    let mut edits = Vec::new();
    for (j, (was, now)) in old_mid.iter().zip(new_mid).enumerate() {
        let item = with(&list, Seg::Index(prefix + j));
        for (k, name) in ["x", "y", "w", "h"].iter().enumerate() {
            if was.at[k] != now.at[k] {
                edits.push(Edit::SetText { path: with(&item, Seg::Key((*name).into())), value: fraction(now.at[k]) });
            }
        }
        if was.label != now.label {
            edits.extend(label_edits(
                e,
                &with(&item, Seg::Key("label".into())),
                was.label.as_ref(),
                now.label.as_ref(),
            ));
        }
    }
    let common = old_mid.len().min(new_mid.len());
    for index in (prefix + common..prefix + old_mid.len()).rev() {
        edits.push(Edit::RemoveItem { seq: list.clone(), index });
    }
    for (k, b) in new_mid.iter().enumerate().skip(common) {
        edits.push(Edit::InsertItem { seq: list.clone(), at: prefix + k, yaml: flow_box(b, e.langs()) });
    }
    Ok(edits)
}

/// The edits that make a box's label `now`: language by language where both are texts
/// by language, else the whole label.
fn label_edits(e: &Editing, path: &[Seg], was: Option<&Label>, now: Option<&Label>) -> Vec<Edit> {
    match (was, now) {
        (_, None) => vec![Edit::RemoveKey { path: path.to_vec() }],
        (Some(Label::PerLang(old)), Some(Label::PerLang(new))) => {
            let mut edits = Vec::new();
            for lang in e.langs().iter() {
                let key = with(path, Seg::Key(lang.to_string()));
                match new.get(lang) {
                    Some(text) if old.get(lang) != Some(text) => {
                        edits.push(Edit::SetText { path: key, value: text.clone() });
                    }
                    Some(_) => {}
                    None if e.node(&key).is_some() => edits.push(Edit::RemoveKey { path: key }),
                    None => {}
                }
            }
            edits
        }
        (_, Some(now)) => vec![Edit::SetYaml { path: path.to_vec(), yaml: flow_label(now, e.langs()) }],
    }
}

fn add_step(e: &Editing, after: usize, given: &PerLang) -> Result<Vec<Edit>, Refusal> {
    let n = e.tutorial.steps.len();
    if after > n {
        return Err(Refusal::bad_request(format!(
            "cannot add a step after step {after}: the tutorial has {n} steps (0 adds one before the first)"
        )));
    }
    let mut texts = BTreeMap::new();
    for (code, text) in given {
        texts.insert(e.lang(code)?, clean(text));
    }
    // Written as its neighbour's text is: `{zh: ..., en: ...}` or one line per language.
    let neighbour = e.tutorial.steps.get(after.saturating_sub(1)).or_else(|| e.tutorial.steps.first());
    let flow = neighbour.is_some_and(|s| e.is_flow_at(s.text.pos));
    let lines: Vec<String> = e
        .langs()
        .iter()
        .map(|l| format!("{l}: {}", yaml_edit::scalar(texts.get(l).map_or("", String::as_str), flow)))
        .collect();
    let yaml = match flow {
        true => format!("text: {{{}}}", lines.join(", ")),
        false => format!("text:\n  {}", lines.join("\n  ")),
    };
    Ok(vec![Edit::InsertItem { seq: steps(), at: after, yaml }])
}

fn set_image(e: &Editing, step: usize, path: &str, lang: Option<&str>) -> Result<Vec<Edit>, Refusal> {
    let i = e.step_index(step)?;
    let source = e.langs().source().clone();
    let lang = match lang {
        Some(code) => e.lang(code)?,
        None => source.clone(),
    };
    let at = vec![Seg::Key("steps".into()), Seg::Index(i), Seg::Key("image".into())];
    let set = |path_: Vec<Seg>| Edit::SetText { path: path_, value: path.to_string() };
    Ok(vec![match e.node(&at).map(|n| &n.value) {
        None | Some(Value::Null) if lang == source => set(at),
        None | Some(Value::Null) => {
            return Err(Refusal::bad_request(format!(
                "step {step} has no {source} screenshot yet: set that one first"
            )));
        }
        // One screenshot for every language: replaced, or split by language.
        Some(Value::Str(_)) if lang == source => set(at),
        Some(Value::Str(old)) => Edit::SetYaml {
            path: at,
            yaml: format!("{{{source}: {}, {lang}: {}}}", yaml_edit::scalar(old, true), yaml_edit::scalar(path, true)),
        },
        Some(Value::Map(_)) => set(with(&at, Seg::Key(lang.to_string()))),
        Some(Value::Seq(_)) => return Err(Refusal::bad_request(format!("`steps[{step}].image` is a list"))),
    }])
}

/// What a finished edit left.
struct Done {
    hash: String,
    changed: bool,
    /// The warnings of the new text (errors refuse the edit).
    diagnostics: Diagnostics,
    /// The probed screenshot of the step, for image ops.
    image: Option<ImageInfo>,
}

/// Applies `edits`, checks the result as `check` would (probing the screenshot of step
/// `probe`) and writes it.
fn finish(root: &Path, e: &Editing, edits: &[Edit], probe: Option<usize>) -> Result<Done, Refusal> {
    let mut text = e.text.clone();
    for edit in edits {
        text = yaml_edit::apply(&text, edit).map_err(|err| edit_refusal(e, &err))?;
    }
    let (decoded, mut diags) = decode(&e.file, &e.config, &text);
    let mut image = None;
    if let Some(step) = probe {
        let field = format!("steps[{step}].image");
        let content = crate::load::file::Folder::new(&root.join(CONTENT_DIR), "`content/`");
        let cache = crate::images::cache_dir(root);
        let verified = Verified { dir: &cache, record: true };
        for r in decoded.images.iter().filter(|r| r.field == field) {
            let key = r.path.to_string_lossy().replace('\\', "/");
            match screenshot::probe(&content, &key, &e.config.images.limits, Some(verified)) {
                Ok(info) => image = image.or(Some(info)),
                Err(p) => diags.push(crate::pipeline::screenshot_problem(r, &p)),
            }
        }
    }
    let diags = diags.sorted();
    if diags.has_errors() || decoded.tutorial.is_none() {
        return Err(Refusal::invalid(&diags, Some(strip_bom(&text))));
    }
    if text == e.text {
        return Ok(Done { hash: e.hash.clone(), changed: false, diagnostics: diags, image });
    }
    files::write_atomically(&e.file.real, text.as_bytes()).map_err(|err| files::io_refusal(&e.file.shown, &err))?;
    Ok(Done { hash: files::hash(text.as_bytes()), changed: true, diagnostics: diags, image })
}

fn edit_refusal(e: &Editing, err: &EditError) -> Refusal {
    let file = crate::diagnostics::display_path(&e.file.shown);
    match err {
        EditError::Verify { .. } | EditError::Internal { .. } => {
            Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("{file}: {err}"))
        }
        EditError::NotFound { .. } | EditError::OutOfRange { .. } => Refusal::bad_request(format!("{file}: {err}")),
        _ => Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "not_editable", format!("{file}: {err}")),
    }
}

/// The texts of the site with `e`'s tutorial as it is on disk now, and runs `f` on them.
fn with_texts<T>(e: &Editing, site: Option<&Loaded>, f: impl FnOnce(Texts<'_>) -> T) -> T {
    let empty_categories: BTreeMap<model::CategoryPath, Category> = BTreeMap::new();
    let empty_authors = BTreeMap::new();
    let mut tutorials: Vec<Arc<Tutorial>> = site.map(|s| s.site.tutorials.clone()).unwrap_or_default();
    match tutorials.binary_search_by(|t| t.id.cmp(&e.tutorial.id)) {
        Ok(i) => tutorials[i] = Arc::clone(&e.tutorial),
        Err(i) => tutorials.insert(i, Arc::clone(&e.tutorial)),
    }
    let texts = match site {
        Some(s) => Texts {
            tutorials: &tutorials,
            categories: &s.site.categories,
            authors: &s.site.authors,
            authors_file: s.site.authors_file.as_deref(),
        },
        None => {
            Texts { tutorials: &tutorials, categories: &empty_categories, authors: &empty_authors, authors_file: None }
        }
    };
    f(texts)
}

/// The translation records as they are on disk (none yet: an empty lock), and where they
/// are.
fn read_lock(root: &Path) -> Result<(Lock, Diagnostics, std::path::PathBuf), Refusal> {
    let real = files::lock_file(root)?;
    let shown = root.join(crate::load::LOCK_FILE);
    match std::fs::read(&real) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let (lock, diags) = Lock::parse(&text, &shown);
            Ok((lock, diags, real))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok((Lock::default(), Diagnostics::new(), real)),
        Err(err) => Err(files::io_refusal(&shown, &err)),
    }
}

/// The state of every translation of the tutorial, for the doc.
pub(super) fn translations(root: &Path, e: &Editing, site: Option<&Loaded>) -> Result<Json, Refusal> {
    let (lock, _, _) = read_lock(root)?;
    let doc = DocId::Tutorial(e.tutorial.id.clone());
    let states = with_texts(e, site, |texts| i18n::states_of(texts, &lock, e.langs(), &doc));
    Ok(Json::Array(
        states
            .into_iter()
            .map(|(field, lang, state)| json!({ "field": field.to_string(), "lang": lang.as_str(), "state": state }))
            .collect(),
    ))
}

fn confirm(root: &Path, e: &Editing, name: &str, code: &str, site: Option<&Loaded>) -> Result<Json, Refusal> {
    let field =
        Field::parse(name).ok_or_else(|| Refusal::bad_request(format!("`{name}` is not a text of a tutorial")))?;
    let lang = e.lang(code)?;
    let path = field
        .field_path()
        .ok_or_else(|| Refusal::bad_request(format!("`{name}` has no translation records to confirm")))?;
    if e.langs().is_source(&lang) {
        return Err(Refusal::bad_request(format!(
            "{lang} is the source language: its texts are what translations are confirmed against"
        )));
    }
    let text = field
        .current(&e.tutorial, name)?
        .ok_or_else(|| Refusal::bad_request(format!("the tutorial has no `{name}`")))?;
    if !text.is_translatable() {
        return Err(Refusal::bad_request(format!(
            "`{name}` is one text for every language: there is nothing to confirm"
        )));
    }
    if text.value(&lang).is_none() {
        return Err(Refusal::bad_request(format!("`{name}` has no {lang} text yet: write it before confirming it")));
    }
    let (old, lock_diags, lock_path) = read_lock(root)?;
    if lock_diags.has_errors() {
        return Err(Refusal::invalid(&lock_diags, None));
    }
    let doc = DocId::Tutorial(e.tutorial.id.clone());
    let confirmed =
        with_texts(e, site, |texts| i18n::confirm_field(texts, e.langs(), &old, &lock_path, &doc, &path, &lang))
            .map_err(|d| Refusal::invalid(&d, None))?;
    Ok(json!({
        "ok": true,
        "hash": e.hash,
        "changed": false,
        "confirmed": confirmed.newly_confirmed,
        "warnings": [],
    }))
}

/// The site's screenshot limits (`[images]` in site.toml).
pub(super) fn image_limits(root: &Path) -> Result<Limits, Refusal> {
    config::load(root).map(|c| c.images.limits).map_err(|d| Refusal::invalid(&d, None))
}

/// `POST /__stepwise/edit/image`: saves the screenshot beside the tutorial and sets it.
pub(super) fn upload(root: &Path, request: &UploadRequest, limits: &Limits) -> Result<Json, Refusal> {
    let e = open(root, &request.id, Some(&request.hash))?;
    let i = e.step_index(request.step)?;
    let lang = match &request.lang {
        Some(code) => Some(e.lang(code)?),
        None => None,
    };
    let data = request.data.trim();
    let data = data.find("base64,").map_or(data, |at| &data[at + "base64,".len()..]);
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let bytes = engine.decode(data).map_err(|err| Refusal::bad_request(format!("`data` is not base64: {err}")))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the image is {:.1} MB, over the limit of {} MB (`max_file_mb` under [images] in site.toml)",
                bytes.len() as f64 / 1_048_576.0,
                limits.max_file_bytes / 1_048_576
            ),
        ));
    }
    let slug = e.file.id.as_str().rsplit('/').next().unwrap_or_default().to_string();
    let stem = match &lang {
        Some(l) if !e.langs().is_source(l) => format!("step-{:02}-{l}", request.step),
        _ => format!("step-{:02}", request.step),
    };
    let field = format!("steps[{}].image", request.step);
    let step_pos = e.tutorial.steps[i].image.as_ref().map_or(e.tutorial.steps[i].pos, |img| img.pos);
    let refuse_image = |written: &str, p: &screenshot::ImageProblem| {
        let mut d = Diagnostic::error(&e.file.shown, Some(step_pos), format!("`{field}` ({written}): {}", p.message));
        d.hint = p.hint.clone();
        Refusal::invalid(&Diagnostics::from_iter([d]), Some(strip_bom(&e.text)))
    };
    let format = screenshot::format_of(&bytes).map_err(|p| refuse_image(&format!("{slug}/{stem}"), &p))?;
    let dir = e.file.shown.with_file_name(&slug);
    let made_dir = !dir.exists();
    if made_dir {
        std::fs::create_dir(&dir).map_err(|err| files::io_refusal(&dir, &err))?;
    }
    let content = std::fs::canonicalize(root.join(CONTENT_DIR)).map_err(|err| files::io_refusal(root, &err))?;
    if !std::fs::canonicalize(&dir).is_ok_and(|d| d.starts_with(&content)) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "outside",
            format!("{} leads out of content/", crate::diagnostics::display_path(&dir)),
        ));
    }
    let name =
        files::create_new(&dir, &stem, format.extension(), &bytes).map_err(|err| files::io_refusal(&dir, &err))?;
    let written = format!("{slug}/{name}");
    let result = set_image(&e, request.step, &written, lang.as_ref().map(Lang::as_str))
        .and_then(|edits| finish(root, &e, &edits, Some(request.step)));
    match result {
        Ok(done) => {
            let (width, height) = done.image.as_ref().map_or((0, 0), |i| (i.width, i.height));
            Ok(json!({
                "ok": true,
                "hash": done.hash,
                "changed": done.changed,
                "warnings": warnings(&done.diagnostics),
                "path": written,
                "width": width,
                "height": height,
            }))
        }
        Err(refusal) => {
            // The file (and folder) made for this upload go again: nothing else is touched.
            let _ = std::fs::remove_file(dir.join(&name));
            if made_dir {
                let _ = std::fs::remove_dir(&dir);
            }
            Err(refusal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_as_in_status() {
        assert_eq!(Field::parse("title"), Some(Field::Title));
        assert_eq!(Field::parse("steps[3].text"), Some(Field::StepText(2)));
        assert_eq!(Field::parse("steps[1].highlight[2].label"), Some(Field::Label(0, BoxKind::Highlight, 1)));
        assert_eq!(Field::parse("steps[1].redact[1].label"), Some(Field::Label(0, BoxKind::Redact, 0)));
        assert_eq!(Field::parse("notes[2].text"), Some(Field::NoteText(1)));
        for bad in ["steps[0].text", "description", "tiaopi.bio", "steps[1].image", "date", "steps[1].redact[0].label"]
        {
            assert_eq!(Field::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn fractions_have_three_decimals_at_most() {
        assert_eq!(fraction(0.8), "0.8");
        assert_eq!(fraction(0.12345), "0.123");
        assert_eq!(fraction(0.9996), "1");
        assert_eq!(fraction(-0.0001), "0");
        assert_eq!(fraction(0.0706), "0.071");
    }
}

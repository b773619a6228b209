//! The translator's workflow: which texts are missing or outdated in which language,
//! the records of confirmed translations (`i18n.lock`), and the UI-label checks.
//!
//! Everything here reads validated texts. The model applies the lock file while it
//! builds the site (pages mark outdated translations); `status` and `confirm` are the
//! `stepwise i18n` verbs; only `confirm` writes, and only the lock file.

pub mod fields;
pub mod labels;
pub mod lock;
pub mod status;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Author, Category, Site, Tutorial};
use fields::{DocKind, Document, Texts};
use lock::{Lock, Record, text_hash};
use status::{Report, Resolution, State};

impl Site {
    pub fn texts(&self) -> Texts<'_> {
        Texts {
            tutorials: &self.tutorials,
            categories: &self.categories,
            authors: &self.authors,
            authors_file: self.authors_file.as_deref(),
        }
    }
}

/// The texts of a site being built, mutable so that outdated translations can be marked.
pub struct TextsMut<'a> {
    pub tutorials: &'a mut [Arc<Tutorial>],
    pub categories: &'a mut BTreeMap<String, Category>,
    pub authors: &'a mut BTreeMap<String, Author>,
    pub authors_file: Option<&'a Path>,
}

/// Marks every outdated translation (pages show a "may be outdated" badge) and returns a
/// warning for each, at the translation's line.
pub fn apply_lock(texts: TextsMut<'_>, lock: &Lock, langs: &[String]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if !lock.exists || langs.len() < 2 {
        return diags;
    }
    let source = &langs[0];
    let texts_ref = Texts {
        tutorials: texts.tutorials,
        categories: texts.categories,
        authors: texts.authors,
        authors_file: texts.authors_file,
    };
    let docs = fields::documents(texts_ref);
    let resolution = status::resolve(&docs, lock, &langs[1..], source);
    // (document, field path, language) of each outdated text, owned: the marking below
    // needs the texts mutably.
    let mut outdated: Vec<(OwnedKind, String, String)> = Vec::new();
    for e in resolution.entries.iter().filter(|e| e.state == State::Outdated) {
        let doc = &docs[e.doc];
        let field = &doc.fields[e.field];
        let pos = status::position(field, &e.lang);
        diags.push(
            Diagnostic::warning(
                &doc.file,
                Some(pos),
                format!(
                    "the {} translation of `{}` may be outdated: the {source} text changed after it was confirmed",
                    e.lang, field.path
                ),
            )
            .with_hint(format!(
                "update the {} text if needed, then run `stepwise i18n confirm {}`",
                e.lang,
                crate::diagnostics::display_path(&doc.file)
            )),
        );
        outdated.push((OwnedKind::from(doc.kind), field.path.clone(), e.lang.clone()));
    }
    drop(docs);
    for (kind, path, lang) in outdated {
        let text = match &kind {
            OwnedKind::Tutorial(i) => {
                // Copied here if another site shares it (the preview server's last one).
                texts.tutorials.get_mut(*i).and_then(|t| fields::tutorial_field_mut(Arc::make_mut(t), &path))
            }
            OwnedKind::Category(p) => texts.categories.get_mut(p).and_then(|c| fields::category_field_mut(c, &path)),
            OwnedKind::Authors => fields::author_field_mut(texts.authors, &path),
        };
        if let Some(text) = text {
            text.mark_outdated(&lang);
        }
    }
    diags
}

enum OwnedKind {
    Tutorial(usize),
    Category(String),
    Authors,
}

impl From<DocKind<'_>> for OwnedKind {
    fn from(k: DocKind<'_>) -> Self {
        match k {
            DocKind::Tutorial(i) => OwnedKind::Tutorial(i),
            DocKind::Category(p) => OwnedKind::Category(p.to_string()),
            DocKind::Authors => OwnedKind::Authors,
        }
    }
}

/// `stepwise i18n status`: `langs` are the target languages to report (all by default).
pub fn status(site: &Site, langs: &[String]) -> Report {
    let docs = fields::documents(site.texts());
    let resolution = status::resolve(&docs, &site.lock, langs, site.source_lang());
    let lock_file = site.lock.exists.then(|| crate::diagnostics::display_path(&site.lock_path()));
    status::report(&docs, &resolution, langs, site.source_lang(), lock_file)
}

/// What `confirm` did.
#[derive(Debug)]
pub struct Confirmed {
    pub file: PathBuf,
    /// Translations recorded now that were outdated or never confirmed before.
    pub newly_confirmed: usize,
    pub records: usize,
    /// Whether the lock file was created by this run.
    pub created: bool,
    /// (old id, new id) of files whose records followed a move or rename.
    pub moved: Vec<(String, String)>,
    /// Records dropped because their file, field or translation is gone.
    pub pruned: usize,
}

/// Which documents `confirm` records.
pub enum Selection<'p> {
    All,
    /// Files or folders, as the user typed them.
    Paths(&'p [PathBuf]),
}

/// `stepwise i18n confirm`: records that the translations of the selected files (in
/// `langs`) match their current source texts, and rewrites the lock file: sorted,
/// pruned of vanished files and fields, moved files under their new ids.
pub fn confirm(site: &Site, selection: Selection<'_>, langs: &[String]) -> Result<Confirmed, Diagnostics> {
    let docs = fields::documents(site.texts());
    let selected = select(&docs, &selection)?;
    let targets = &site.config.languages[1..];
    let resolution = status::resolve(&docs, &site.lock, targets, site.source_lang());
    let (lock, newly_confirmed) = confirmed_lock(&docs, &resolution, &site.lock, &selected, langs, site.source_lang());
    let before: BTreeSet<_> = site.lock.records.keys().collect();
    let pruned = before
        .iter()
        .filter(|(id, field, lang)| {
            let id = resolution.moved.iter().find(|(_, old)| *old == id).map_or(id, |(new, _)| new);
            !lock.records.contains_key(&(id.clone(), field.clone(), lang.clone()))
        })
        .count();
    let path = site.lock_path();
    let text = lock.to_text();
    write_atomically(&path, text.as_bytes())
        .map_err(|e| Diagnostics::from_iter([Diagnostic::error(&path, None, format!("cannot write: {e}"))]))?;
    Ok(Confirmed {
        file: path,
        newly_confirmed,
        records: lock.records.values().map(Vec::len).sum(),
        created: !site.lock.exists,
        moved: resolution.moved.iter().map(|(new, old)| (old.clone(), new.clone())).collect(),
        pruned,
    })
}

/// The documents named by the selection, or an error for each path that names none.
fn select(docs: &[Document<'_>], selection: &Selection<'_>) -> Result<BTreeSet<usize>, Diagnostics> {
    let Selection::Paths(paths) = selection else {
        return Ok((0..docs.len()).collect());
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let doc_files: Vec<PathBuf> = docs.iter().map(|d| canonical(&d.file)).collect();
    let mut selected = BTreeSet::new();
    let mut diags = Diagnostics::new();
    for p in *paths {
        let target = canonical(p);
        let hits: Vec<usize> = (0..docs.len()).filter(|&i| doc_files[i].starts_with(&target)).collect();
        if hits.is_empty() {
            let what =
                if p.exists() { "holds no tutorial, category or authors file of this site" } else { "does not exist" };
            diags.push(
                Diagnostic::error(p, None, what.to_string())
                    .with_hint("name YAML files or folders under content/, or use --all"),
            );
        }
        selected.extend(hits);
    }
    if diags.is_empty() { Ok(selected) } else { Err(diags) }
}

/// The new records: current texts are (re)recorded; in the selected documents, every
/// present translation in `langs` is recorded against today's source; records of
/// outdated texts elsewhere are kept as they were, so they stay outdated.
fn confirmed_lock(
    docs: &[Document<'_>],
    resolution: &Resolution,
    old: &Lock,
    selected: &BTreeSet<usize>,
    langs: &[String],
    source: &str,
) -> (Lock, usize) {
    let mut lock = Lock { exists: true, records: BTreeMap::new() };
    let mut newly = 0;
    for e in &resolution.entries {
        let doc = &docs[e.doc];
        let field = &doc.fields[e.field];
        let Some(translation) = field.text.value(&e.lang) else { continue };
        let key = (doc.id.clone(), field.path.clone(), e.lang.clone());
        let now = Record { source: text_hash(field.text.source(source)), translation: text_hash(&translation.text) };
        let chosen = selected.contains(&e.doc) && langs.contains(&e.lang);
        match e.state {
            State::Current => {
                lock.records.insert(key, vec![now]);
            }
            State::Outdated | State::Unconfirmed if chosen => {
                newly += 1;
                lock.records.insert(key, vec![now]);
            }
            State::Outdated => {
                let old_id = resolution.moved.get(&doc.id).unwrap_or(&doc.id);
                if let Some(records) = old.records.get(&(old_id.clone(), field.path.clone(), e.lang.clone())) {
                    lock.records.insert(key, records.clone());
                }
            }
            State::Unconfirmed | State::Missing => {}
        }
    }
    (lock, newly)
}

/// Writes through a temporary file and a rename: an interrupted run never leaves half a
/// lock file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("lock.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

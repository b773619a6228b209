//! The translator's workflow: which texts are missing or outdated in which language,
//! the records of confirmed translations (`i18n.lock`), and the UI-label checks.
//!
//! Everything here reads validated texts. The pipeline asks [`outdated`] which
//! translations the records call outdated before it assembles the site (pages mark
//! them); `status`, `confirm` and `labels::glossary` are the `stepwise i18n` verbs; only
//! `confirm` writes, and only the lock file.

pub(crate) mod fields;
pub mod labels;
pub mod lock;
pub(crate) mod status;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, command_line, display_path};
use crate::lang::{Lang, Languages};
use crate::model::{DocId, FieldPath, Outdated, Site};
use fields::{Document, Texts};
use lock::{Lock, LockKey, Record, text_hash};
use status::{Report, Resolution, State};

/// The translations confirmed against an older source text (the pages mark them), and a
/// warning for each at the translation's line. Computed before the site is assembled.
/// `root` is the site folder as given on the command line, for the command in the hint.
pub(crate) fn outdated(root: &Path, texts: Texts<'_>, lock: &Lock, langs: &Languages) -> (Outdated, Diagnostics) {
    let mut outdated = Outdated::default();
    let mut diags = Diagnostics::new();
    if !lock.exists || langs.targets().is_empty() {
        return (outdated, diags);
    }
    let source = langs.source();
    let docs = fields::documents(texts);
    let resolution = status::resolve(&docs, lock, langs.targets(), source);
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
                "update the {} text if needed, then run `{}`",
                e.lang,
                command_line(root, &["i18n", "confirm"], &[&display_path(&doc.file)])
            )),
        );
        outdated.insert(&doc.id, field.path.clone(), e.lang.clone());
    }
    (outdated, diags)
}

/// `stepwise i18n status`: `langs` are the target languages to report (all by default).
pub fn status(site: &Site, lock: &Lock, lock_path: &Path, langs: &[Lang]) -> Report {
    let docs = fields::documents(Texts::of_site(site));
    let resolution = status::resolve(&docs, lock, langs, site.source_lang());
    let lock_file = lock.exists.then(|| crate::diagnostics::display_path(lock_path));
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
pub fn confirm(
    site: &Site,
    old: &Lock,
    path: &Path,
    selection: Selection<'_>,
    langs: &[Lang],
) -> Result<Confirmed, Diagnostics> {
    let docs = fields::documents(Texts::of_site(site));
    let root = path.parent().unwrap_or(Path::new("."));
    let selected = select(&docs, &selection, root)?;
    let chosen = |e: &status::Entry, _: &Document<'_>, _: &fields::Field<'_>| {
        selected.contains(&e.doc) && langs.contains(&e.lang)
    };
    confirm_chosen(&docs, &site.config.languages, old, path, &chosen)
}

/// `confirm` for one field of one document in one language (the editor's "confirm"):
/// the same records `stepwise i18n confirm` writes for that field, and the same rewrite
/// of the rest of the file. `texts` is the whole site.
pub(crate) fn confirm_field(
    texts: Texts<'_>,
    langs: &Languages,
    old: &Lock,
    path: &Path,
    doc: &DocId,
    field: &FieldPath,
    lang: &Lang,
) -> Result<Confirmed, Diagnostics> {
    let docs = fields::documents(texts);
    let chosen = |e: &status::Entry, d: &Document<'_>, f: &fields::Field<'_>| {
        d.id == *doc && f.path == *field && e.lang == *lang
    };
    confirm_chosen(&docs, langs, old, path, &chosen)
}

/// Which translations a confirm records: (entry, its document, its field).
type Chosen<'c> = dyn Fn(&status::Entry, &Document<'_>, &fields::Field<'_>) -> bool + 'c;

fn confirm_chosen(
    docs: &[Document<'_>],
    languages: &Languages,
    old: &Lock,
    path: &Path,
    chosen: &Chosen<'_>,
) -> Result<Confirmed, Diagnostics> {
    let resolution = status::resolve(docs, old, languages.targets(), languages.source());
    let (lock, newly_confirmed) = confirmed_lock(docs, &resolution, old, chosen, languages.source());
    let pruned = old
        .records
        .keys()
        .filter(|k| {
            let doc = resolution.moved.iter().find(|(_, was)| **was == k.doc).map_or(&k.doc, |(now, _)| now);
            !lock.records.contains_key(&LockKey { doc: doc.clone(), ..(*k).clone() })
        })
        .count();
    let text = lock.to_text();
    write_atomically(path, text.as_bytes())
        .map_err(|e| Diagnostics::from_iter([Diagnostic::error(path, None, format!("cannot write: {e}"))]))?;
    Ok(Confirmed {
        file: path.to_path_buf(),
        newly_confirmed,
        records: lock.records.values().map(Vec::len).sum(),
        created: !old.exists,
        moved: resolution.moved.iter().map(|(now, was)| (was.to_string(), now.to_string())).collect(),
        pruned,
    })
}

/// The state of every translation of the document `doc`, as `status` sees it. `texts`
/// is the whole site: records follow moved files and steps across it.
pub(crate) fn states_of(
    texts: Texts<'_>,
    lock: &Lock,
    langs: &Languages,
    doc: &DocId,
) -> Vec<(FieldPath, Lang, State)> {
    let docs = fields::documents(texts);
    let resolution = status::resolve(&docs, lock, langs.targets(), langs.source());
    resolution
        .entries
        .iter()
        .filter(|e| docs[e.doc].id == *doc)
        .map(|e| (docs[e.doc].fields[e.field].path.clone(), e.lang.clone(), e.state))
        .collect()
}

/// The documents named by the selection, or an error for each path that names none.
/// Paths are taken from the current folder, as every path on the command line.
fn select(docs: &[Document<'_>], selection: &Selection<'_>, root: &Path) -> Result<BTreeSet<usize>, Diagnostics> {
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
            // Typed as if from the site folder, while stepwise runs elsewhere with --root.
            let from_root = root.join(p);
            let hint = if !p.exists() && p.is_relative() && from_root.exists() {
                format!(
                    "paths are taken from the current folder (as with --output), not from --root: write `{}`",
                    display_path(&from_root)
                )
            } else {
                "name YAML files or folders under content/, or use --all".to_string()
            };
            diags.push(Diagnostic::error(p, None, what.to_string()).with_hint(hint));
        }
        selected.extend(hits);
    }
    if diags.is_empty() { Ok(selected) } else { Err(diags) }
}

/// The new records: current texts are (re)recorded; the chosen translations are recorded
/// against today's source; records of outdated texts elsewhere are kept as they were,
/// so they stay outdated.
fn confirmed_lock(
    docs: &[Document<'_>],
    resolution: &Resolution,
    old: &Lock,
    chosen: &Chosen<'_>,
    source: &str,
) -> (Lock, usize) {
    let mut lock = Lock { exists: true, records: BTreeMap::new() };
    let mut newly = 0;
    for e in &resolution.entries {
        let doc = &docs[e.doc];
        let field = &doc.fields[e.field];
        let Some(translation) = field.text.value(&e.lang) else { continue };
        let key = LockKey { doc: doc.id.clone(), field: field.path.clone(), lang: e.lang.clone() };
        let now = Record { source: text_hash(field.text.source(source)), translation: text_hash(&translation.text) };
        match e.state {
            State::Current => {
                lock.records.insert(key, vec![now]);
            }
            State::Outdated | State::Unconfirmed if chosen(e, doc, field) => {
                newly += 1;
                lock.records.insert(key, vec![now]);
            }
            State::Outdated => {
                let old_id = resolution.moved.get(&doc.id).unwrap_or(&doc.id);
                if let Some(records) = old.records.get(&LockKey { doc: old_id.clone(), ..key.clone() }) {
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

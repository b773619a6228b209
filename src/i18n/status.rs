//! The state of every translation: current, missing, outdated (its source text changed
//! after it was confirmed) or unconfirmed (written, never recorded), and the report of
//! `stepwise i18n status`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::fields::{Document, Field};
use super::lock::{Lock, LockKey, Record, text_hash};
use crate::diagnostics::{Pos, display_path};
use crate::lang::Lang;
pub(crate) use crate::model::TranslationState as State;
use crate::model::{CategoryPath, DocId, FieldKind};

/// One (text, target language) pair.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Index into the documents.
    pub(crate) doc: usize,
    /// Index into the document's fields.
    pub(crate) field: usize,
    pub(crate) lang: Lang,
    pub(crate) state: State,
}

#[derive(Debug, Default)]
pub(crate) struct Resolution {
    /// Only translatable texts: a plain string (the same in every language) is not listed.
    pub(crate) entries: Vec<Entry>,
    /// A moved or renamed file keeps its records: current document -> its name in the
    /// lock file.
    pub(crate) moved: BTreeMap<DocId, DocId>,
}

/// What identifies a record's text without its position: kind, language, hashes.
type Fingerprint<'a> = (FieldKind, &'a str, &'a str, &'a str);

/// Compares every translation with the records of `lock`.
pub(crate) fn resolve(docs: &[Document<'_>], lock: &Lock, targets: &[Lang], source: &str) -> Resolution {
    let moved = if lock.exists { match_moved(docs, lock, source) } else { BTreeMap::new() };
    let mut entries = Vec::new();
    for (di, doc) in docs.iter().enumerate() {
        let lock_id = moved.get(&doc.id).unwrap_or(&doc.id);
        // Built on first need: the records of this document by kind, to follow moved steps.
        let mut by_kind: Option<HashSet<Fingerprint<'_>>> = None;
        for (fi, field) in doc.fields.iter().enumerate() {
            if !field.text.is_translatable() {
                continue;
            }
            let source_hash = text_hash(field.text.source(source));
            for lang in targets {
                let state = match field.text.value(lang) {
                    None => State::Missing,
                    Some(_) if !lock.exists => State::Current,
                    Some(t) => {
                        let key = LockKey { doc: lock_id.clone(), field: field.path.clone(), lang: lang.clone() };
                        let exact = lock.records.get(&key);
                        if exact.is_some_and(|rs| rs.iter().any(|r| r.source == source_hash)) {
                            State::Current
                        } else {
                            let kinds = by_kind.get_or_insert_with(|| {
                                lock.of(lock_id)
                                    .flat_map(|(k, rs)| {
                                        rs.iter().map(move |r| {
                                            (k.field.kind(), k.lang.as_str(), r.source.as_str(), r.translation.as_str())
                                        })
                                    })
                                    .collect()
                            });
                            let t_hash = text_hash(&t.text);
                            let probe = (field.path.kind(), lang.as_str(), source_hash.as_str(), t_hash.as_str());
                            if kinds.contains(&probe) {
                                State::Current
                            } else if exact
                                .is_some_and(|rs| !rs.iter().any(|r| moved_away(doc, source, lang, field, r)))
                            {
                                State::Outdated
                            } else {
                                // No record, or its text now lives in another field (a step
                                // was inserted above): this is a new text.
                                State::Unconfirmed
                            }
                        }
                    }
                };
                entries.push(Entry { doc: di, field: fi, lang: lang.clone(), state });
            }
        }
    }
    Resolution { entries, moved }
}

/// Whether the text a record was made for now sits in another field of the document
/// (same kind, same source and translation), as when a step is inserted above it.
fn moved_away(doc: &Document<'_>, source: &str, lang: &str, field: &Field<'_>, record: &Record) -> bool {
    let kind = field.path.kind();
    doc.fields.iter().any(|f| {
        f.path != field.path
            && f.path.kind() == kind
            && f.text.value(lang).is_some_and(|t| text_hash(&t.text) == record.translation)
            && text_hash(f.text.source(source)) == record.source
    })
}

/// Files that were moved or renamed: a document with no records takes over the records
/// of a vanished document when at least half of them still match its texts exactly.
fn match_moved(docs: &[Document<'_>], lock: &Lock, source: &str) -> BTreeMap<DocId, DocId> {
    let present: HashSet<&DocId> = docs.iter().map(|d| &d.id).collect();
    let orphans: Vec<&DocId> = lock.docs().filter(|id| !present.contains(id)).collect();
    if orphans.is_empty() {
        return BTreeMap::new();
    }
    // (field kind, lang, source hash, translation hash) -> the unrecorded documents with
    // it. By kind, not path: a moved file may have gained or lost a step too.
    let mut index: HashMap<(FieldKind, &str, String, String), Vec<usize>> = HashMap::new();
    for (di, doc) in docs.iter().enumerate() {
        if lock.of(&doc.id).next().is_some() {
            continue;
        }
        for field in &doc.fields {
            let s = text_hash(field.text.source(source));
            for lang in lock_langs(lock) {
                if let Some(t) = field.text.value(lang) {
                    let key = (field.path.kind(), lang, s.clone(), text_hash(&t.text));
                    let list = index.entry(key).or_default();
                    if list.last() != Some(&di) {
                        list.push(di);
                    }
                }
            }
        }
    }
    let mut moved = BTreeMap::new();
    let mut taken: HashSet<usize> = HashSet::new();
    for orphan in orphans {
        let mut scores: BTreeMap<usize, usize> = BTreeMap::new();
        let mut total = 0;
        for (key, records) in lock.of(orphan) {
            total += 1;
            let mut hit: HashSet<usize> = HashSet::new();
            for r in records {
                let probe = (key.field.kind(), key.lang.as_str(), r.source.clone(), r.translation.clone());
                hit.extend(index.get(&probe).into_iter().flatten().copied());
            }
            for di in hit {
                *scores.entry(di).or_default() += 1;
            }
        }
        let best = scores.into_iter().filter(|(di, _)| !taken.contains(di)).max_by_key(|&(di, n)| (n, usize::MAX - di));
        if let Some((di, n)) = best
            && n * 2 >= total
        {
            taken.insert(di);
            moved.insert(docs[di].id.clone(), orphan.clone());
        }
    }
    moved
}

fn lock_langs(lock: &Lock) -> Vec<&str> {
    let mut langs: Vec<&str> = lock.records.keys().map(|k| k.lang.as_str()).collect();
    langs.sort_unstable();
    langs.dedup();
    langs
}

/// `stepwise i18n status --format json`: a stable, documented shape (README).
#[derive(Debug, Serialize)]
pub struct Report {
    /// Bumped only when a field changes meaning or disappears.
    pub(crate) version: u32,
    pub(crate) source_language: String,
    /// The lock file's path, `null` when the site has none (everything counts as confirmed).
    pub(crate) lock_file: Option<String>,
    pub(crate) languages: Vec<LanguageReport>,
}

#[derive(Debug, Serialize)]
pub(crate) struct LanguageReport {
    pub(crate) language: String,
    #[serde(flatten)]
    pub(crate) counts: Counts,
    pub(crate) categories: Vec<CategoryReport>,
    /// Every text that is not current, by file and position.
    pub(crate) items: Vec<Item>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub(crate) struct Counts {
    /// Translatable texts.
    pub(crate) total: usize,
    pub(crate) missing: usize,
    pub(crate) outdated: usize,
    pub(crate) unconfirmed: usize,
    /// Texts translated and not outdated, in percent of `total` (one decimal; 100 when
    /// there is nothing to translate).
    pub(crate) percent_complete: f64,
}

#[derive(Debug, Serialize)]
pub(crate) struct CategoryReport {
    /// The category path; `""` for tutorials at the top and the authors file.
    pub(crate) category: String,
    #[serde(flatten)]
    pub(crate) counts: Counts,
}

#[derive(Debug, Serialize)]
pub(crate) struct Item {
    pub(crate) file: String,
    pub(crate) id: String,
    pub(crate) field: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) state: State,
    /// The source-language text, to translate from.
    pub(crate) source_text: String,
}

impl Counts {
    fn add(&mut self, state: State) {
        self.total += 1;
        match state {
            State::Missing => self.missing += 1,
            State::Outdated => self.outdated += 1,
            State::Unconfirmed => self.unconfirmed += 1,
            State::Current => {}
        }
    }

    fn finish(mut self) -> Self {
        let done = self.total - self.missing - self.outdated;
        self.percent_complete =
            if self.total == 0 { 100.0 } else { (done as f64 * 1000.0 / self.total as f64).floor() / 10.0 };
        self
    }
}

pub(crate) fn report(
    docs: &[Document<'_>],
    resolution: &Resolution,
    langs: &[Lang],
    source: &str,
    lock_file: Option<String>,
) -> Report {
    let languages = langs
        .iter()
        .map(|lang| {
            let mut counts = Counts::default();
            let mut categories: BTreeMap<&CategoryPath, Counts> = BTreeMap::new();
            let mut items = Vec::new();
            for e in resolution.entries.iter().filter(|e| &e.lang == lang) {
                let doc = &docs[e.doc];
                let field = &doc.fields[e.field];
                counts.add(e.state);
                categories.entry(doc.category).or_default().add(e.state);
                if e.state == State::Current {
                    continue;
                }
                let pos = position(field, lang);
                items.push(Item {
                    file: display_path(&doc.file),
                    id: doc.id.to_string(),
                    field: field.path.to_string(),
                    line: pos.line,
                    column: pos.col,
                    state: e.state,
                    source_text: field.text.source(source).to_string(),
                });
            }
            LanguageReport {
                language: lang.to_string(),
                counts: counts.finish(),
                categories: categories
                    .into_iter()
                    .map(|(c, counts)| CategoryReport { category: c.to_string(), counts: counts.finish() })
                    .collect(),
                items,
            }
        })
        .collect();
    Report { version: 1, source_language: source.to_string(), lock_file, languages }
}

impl Report {
    /// The human form: per language, a summary line, the texts to work on by file, and
    /// the completion of each category. `root` is the site folder as given on the command
    /// line, for the commands it suggests.
    pub fn to_text(&self, root: &std::path::Path) -> String {
        let mut out = String::new();
        match &self.lock_file {
            Some(f) => {
                let _ = writeln!(out, "source language: {} · translation records: {f}", self.source_language);
            }
            None => {
                let _ = writeln!(
                    out,
                    "source language: {} · no translation records yet: every translation counts as confirmed \
                     (`{}` starts tracking changes)",
                    self.source_language,
                    crate::diagnostics::command_line(root, &["i18n", "confirm"], &["--all"])
                );
            }
        }
        for l in &self.languages {
            let c = &l.counts;
            let _ = writeln!(
                out,
                "\n{}: {:.1}% complete · {} text{} · {} missing · {} outdated{}",
                l.language,
                c.percent_complete,
                c.total,
                if c.total == 1 { "" } else { "s" },
                c.missing,
                c.outdated,
                if c.unconfirmed > 0 { format!(" · {} never confirmed", c.unconfirmed) } else { String::new() }
            );
            let mut last_file = "";
            for item in &l.items {
                if item.file != last_file {
                    let _ = writeln!(out, "  {}", item.file);
                    last_file = &item.file;
                }
                let state = match item.state {
                    State::Missing => "missing",
                    State::Outdated => "outdated",
                    State::Unconfirmed => "unconfirmed",
                    State::Current => "current",
                };
                let pos = format!("{}:{}", item.line, item.column);
                let _ = writeln!(out, "    {pos:<7} {:<28} {state:<11} {}", item.field, excerpt(&item.source_text, 40));
            }
            if l.categories.len() > 1 {
                let _ = writeln!(out, "  by category:");
                for cat in &l.categories {
                    let name = if cat.category.is_empty() { "(top level)" } else { &cat.category };
                    let _ = writeln!(
                        out,
                        "    {name:<36} {:>5.1}%  {} missing, {} outdated",
                        cat.counts.percent_complete, cat.counts.missing, cat.counts.outdated
                    );
                }
            }
        }
        out
    }
}

/// The first `max` characters of a text on one line, for a listing.
fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max { flat } else { format!("{}…", flat.chars().take(max).collect::<String>()) }
}

/// Where a state is reported in a file: the translation when it exists, else the field.
pub(crate) fn position(field: &Field<'_>, lang: &str) -> Pos {
    field.text.value(lang).map_or(field.text.pos, |v| v.pos)
}

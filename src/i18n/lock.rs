//! `i18n.lock`: which source text each translation was confirmed against.
//!
//! One record per line, tab-separated, sorted, so that it diffs and merges like code:
//!
//! ```text
//! cross-border-ec/amazon/forgot-password<TAB>steps[3].text<TAB>en<TAB>3f2a9c1b7d4e5a60<TAB>9d8e7f6a5b4c3d2e
//! ```
//!
//! (document id, field, language, the hash of the source text, the hash of the
//! translation). The second hash lets a record follow its step when a step is inserted
//! above it. After a merge two records may name the same field: either one confirms it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::lang::Lang;
use crate::model::{DocId, FieldPath};

pub use crate::load::LOCK_FILE;

const HEADER: &str = "\
# stepwise translation records: which source text each translation was confirmed against.
# Written by `stepwise i18n confirm`; commit it with the content. On a merge conflict, keep
# the lines of both sides: a field recorded twice counts as confirmed by either record.
# document<TAB>field<TAB>language<TAB>source hash<TAB>translation hash
";

/// What a record is about: one text of one document, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct LockKey {
    pub(crate) doc: DocId,
    pub(crate) field: FieldPath,
    pub(crate) lang: Lang,
}

impl LockKey {
    /// The first key of a document's records, for range queries.
    fn first_of(doc: &DocId) -> LockKey {
        LockKey { doc: doc.clone(), field: FieldPath::Title, lang: Lang::new("") }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Record {
    pub(crate) source: String,
    pub(crate) translation: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// A site without a lock file treats every translation as confirmed.
    pub(crate) exists: bool,
    /// Each list sorted; usually one record, two or more after a merge.
    pub(crate) records: BTreeMap<LockKey, Vec<Record>>,
}

/// The hash a record stores for a text: 64 bits of BLAKE3, in hex.
pub(crate) fn text_hash(text: &str) -> String {
    let hash = blake3::hash(text.as_bytes());
    hash.to_hex()[..16].to_string()
}

impl Lock {
    /// Reads the lock file's text. Malformed lines are errors naming the line; the
    /// records that could be read are kept.
    pub(crate) fn parse(text: &str, file: &Path) -> (Lock, Diagnostics) {
        let mut lock = Lock { exists: true, records: BTreeMap::new() };
        let mut diags = Diagnostics::new();
        for (i, line) in text.lines().enumerate() {
            let pos = Some(Pos { line: i + 1, col: 1 });
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"].iter().any(|m| line.starts_with(m)) {
                diags.push(
                    Diagnostic::error(file, pos, "a merge conflict marker in the translation records")
                        .with_hint("keep the record lines of both sides and delete the marker lines"),
                );
                continue;
            }
            let parts: Vec<&str> = line.split('\t').collect();
            let hex = |s: &str| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit());
            let field = parts.get(1).and_then(|f| FieldPath::parse(f));
            match (parts.as_slice(), field) {
                ([id, _, lang, source, translation], Some(field))
                    if !id.is_empty() && Lang::is_valid_code(lang) && hex(source) && hex(translation) =>
                {
                    let key = LockKey { doc: DocId::parse(id), field, lang: Lang::new(*lang) };
                    let record = Record { source: source.to_string(), translation: translation.to_string() };
                    let list = lock.records.entry(key).or_default();
                    if let Err(at) = list.binary_search(&record) {
                        list.insert(at, record);
                    }
                }
                _ => {
                    let root = file.parent().unwrap_or(Path::new("."));
                    let confirm = crate::diagnostics::command_line(root, &["i18n", "confirm"], &["--all"]);
                    diags.push(Diagnostic::error(file, pos, "not a translation record").with_hint(format!(
                        "a record is five tab-separated fields; run `{confirm}` to rewrite the file"
                    )));
                }
            }
        }
        (lock, diags)
    }

    /// The file's text: a fixed header, then every record, sorted as text (so a line's
    /// place never depends on how this version orders keys).
    pub(crate) fn to_text(&self) -> String {
        let mut lines: Vec<String> = self
            .records
            .iter()
            .flat_map(|(LockKey { doc, field, lang }, records)| {
                records.iter().map(move |r| format!("{doc}\t{field}\t{lang}\t{}\t{}\n", r.source, r.translation))
            })
            .collect();
        lines.sort_unstable();
        let mut out = String::with_capacity(HEADER.len() + lines.iter().map(String::len).sum::<usize>());
        out.push_str(HEADER);
        lines.iter().for_each(|l| out.push_str(l));
        out
    }

    /// The documents that have records.
    pub(crate) fn docs(&self) -> impl Iterator<Item = &DocId> {
        let mut last: Option<&DocId> = None;
        self.records.keys().filter_map(move |k| {
            let new = last != Some(&k.doc);
            last = Some(&k.doc);
            new.then_some(&k.doc)
        })
    }

    /// The records of one document.
    pub(crate) fn of<'a>(&'a self, doc: &'a DocId) -> impl Iterator<Item = (&'a LockKey, &'a Vec<Record>)> {
        self.records.range(LockKey::first_of(doc)..).take_while(move |(k, _)| k.doc == *doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_sorted_and_merges_duplicates() {
        let text = "# c\nb\tsteps[1].text\ten\t0123456789abcdef\t0123456789abcdef\n\
                    a\ttitle\ten\tffffffffffffffff\t0000000000000000\n\
                    a\ttitle\ten\teeeeeeeeeeeeeeee\t0000000000000000\n";
        let (lock, diags) = Lock::parse(text, Path::new("i18n.lock"));
        assert!(diags.is_empty());
        assert_eq!(lock.records.len(), 2);
        let key = |doc: &str, field: FieldPath| LockKey { doc: DocId::parse(doc), field, lang: Lang::new("en") };
        assert_eq!(lock.records[&key("a", FieldPath::Title)].len(), 2);
        let out = lock.to_text();
        let body: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(body[0], "a\ttitle\ten\teeeeeeeeeeeeeeee\t0000000000000000");
        assert_eq!(body[2], "b\tsteps[1].text\ten\t0123456789abcdef\t0123456789abcdef");
        assert_eq!(Lock::parse(&out, Path::new("x")).0, lock, "what is written reads back the same");
        assert_eq!(lock.docs().map(ToString::to_string).collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(lock.of(&DocId::parse("a")).count(), 1);
    }

    #[test]
    fn reports_conflict_markers_and_bad_lines() {
        let (_, diags) = Lock::parse(
            "<<<<<<< HEAD\nnonsense\na\tsteps[0].text\ten\t0123456789abcdef\t0123456789abcdef\n",
            Path::new("i18n.lock"),
        );
        let msgs: Vec<String> = diags.iter().map(|d| d.headline()).collect();
        assert_eq!(msgs.len(), 3, "a field path that names no text is not a record: {msgs:?}");
        assert!(msgs[0].contains("i18n.lock:1:1: a merge conflict marker"), "{msgs:?}");
        assert!(msgs[1].contains("i18n.lock:2:1: not a translation record"), "{msgs:?}");
    }

    #[test]
    fn hashes_are_short_and_stable() {
        assert_eq!(text_hash("abc"), text_hash("abc"));
        assert_eq!(text_hash("abc").len(), 16);
        assert_ne!(text_hash("abc"), text_hash("abd"));
    }
}

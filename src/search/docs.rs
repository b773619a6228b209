//! What a language's search index takes from each tutorial (its title, URL, category,
//! snippet and terms), kept between builds so that an edit tokenizes only the tutorials
//! it changed. Tokenizing every tutorial was most of the time an edit's build spent.
//!
//! An entry is found by the fingerprint of everything it is made from (the tutorial's
//! file and its category's title); the file as a whole names the program and the
//! languages it was made with. So a stale entry is never used: a changed tutorial simply
//! has no entry. `build` keeps the entries in `.stepwise-cache/search/{lang}.bin`, written
//! through a temporary file and a rename (a killed build leaves the old file or the new
//! one, never half of one); `serve` keeps them in memory. Safe to delete.
//!
//! The file is a sequence of frames (a little-endian `u32` length, then a postcard
//! message): a header, the terms, then one frame per tutorial, so that reading it never
//! holds the whole file and its decoded form at once (at 100,000 tutorials it is about a
//! hundred megabytes).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::cache_file;
use crate::fingerprint::{self, Fingerprint};

/// Bumped when what an entry holds, or how it is made, changes.
const FORMAT: u64 = 2;

/// One tutorial's share of one language's index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Doc {
    /// Title, URL from the site root, category.
    pub(crate) fields: [String; 3],
    /// The plain text shown in result snippets.
    pub(crate) text: String,
    /// Its terms (numbers into [`LangDocs::terms`]), each with where it occurs
    /// ([`super::IN_TITLE`], [`super::IN_BODY`]): `number << 2 | where`.
    pub(crate) terms: Vec<u32>,
}

/// The entries of one language, by the fingerprint they were made from.
#[derive(Debug, Default)]
pub(crate) struct LangDocs {
    /// What every entry was made with (program, languages): another value is no match.
    pub(crate) epoch: u64,
    pub(crate) terms: Vec<String>,
    pub(crate) docs: HashMap<u64, Doc>,
    /// Entries were added or dropped since it was read: worth writing again.
    pub(crate) changed: bool,
}

/// Where the entries live between builds.
pub(crate) enum DocStore {
    /// In memory, between the preview's builds.
    Memory(Mutex<HashMap<String, LangDocs>>),
    /// In this folder (`.stepwise-cache/search`), between runs.
    Folder(PathBuf),
}

impl DocStore {
    /// The store of `build`: the site's cache folder.
    pub(crate) fn in_cache(root: &Path) -> DocStore {
        DocStore::Folder(root.join(crate::images::CACHE_DIR).join("search"))
    }

    pub(crate) fn memory() -> DocStore {
        DocStore::Memory(Mutex::default())
    }

    /// The entries kept for `lang` made with `epoch` (none if there are none, or they
    /// cannot be read, or were made otherwise).
    pub(crate) fn take(&self, lang: &str, epoch: u64) -> LangDocs {
        let docs = match self {
            DocStore::Memory(kept) => kept.lock().unwrap_or_else(|e| e.into_inner()).remove(lang),
            DocStore::Folder(dir) => read(&file(dir, lang), epoch).ok(),
        };
        docs.filter(|d| d.epoch == epoch).unwrap_or(LangDocs { epoch, ..LangDocs::default() })
    }

    /// Keeps `docs` for the next build. Failing to write the file only costs the next
    /// build time, so it is not an error.
    pub(crate) fn put(&self, lang: &str, docs: LangDocs) {
        match self {
            DocStore::Memory(kept) => {
                kept.lock().unwrap_or_else(|e| e.into_inner()).insert(lang.to_string(), docs);
            }
            DocStore::Folder(dir) => {
                if docs.changed {
                    let path = file(dir, lang);
                    cache_file::write_later(move || _ = write(&path, &docs));
                }
            }
        }
    }
}

/// What every entry of one language is made with besides the tutorial: the program and
/// the site's languages (which decide how texts fall back).
pub(crate) fn epoch(lang: &str, languages: &impl std::fmt::Debug) -> u64 {
    Fingerprint::new().u64(fingerprint::program()).str(lang).debug(languages).finish()
}

fn file(dir: &Path, lang: &str) -> PathBuf {
    // Language codes are checked in site.toml; anything else is kept out of the path.
    dir.join(format!("{}.bin", cache_file::safe_name(lang)))
}

fn read(path: &Path, epoch: u64) -> std::io::Result<LangDocs> {
    let mut r = cache_file::Reader::open(path, FORMAT, epoch)?;
    let terms: Vec<String> = r.next()?;
    let distinct: std::collections::HashSet<&str> = terms.iter().map(String::as_str).collect();
    if distinct.len() != terms.len() {
        return Err(std::io::Error::other("a term twice"));
    }
    drop(distinct);
    let docs: Vec<(u64, Doc)> = r.rest()?;
    if docs.iter().any(|(_, doc)| doc.terms.iter().any(|&t| (t >> 2) as usize >= terms.len())) {
        return Err(std::io::Error::other("a term out of range"));
    }
    Ok(LangDocs { epoch, terms, docs: docs.into_iter().collect(), changed: false })
}

fn write(path: &Path, docs: &LangDocs) -> std::io::Result<()> {
    cache_file::write(path, FORMAT, docs.epoch, 1 + docs.docs.len() as u64, |w| {
        w.put(&docs.terms)?;
        docs.docs.iter().try_for_each(|entry| w.put(&entry))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(epoch: u64) -> LangDocs {
        let doc = Doc {
            fields: ["忘记密码".into(), "zh/a/".into(), "账户".into()],
            text: "点击忘记密码".into(),
            terms: vec![2, 1 << 2 | 1],
        };
        LangDocs {
            epoch, terms: vec!["忘记".into(), "点击".into()], docs: HashMap::from([(7, doc)]), changed: true
        }
    }

    #[test]
    fn entries_come_back_as_they_were_put() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocStore::Folder(dir.path().join("search"));
        store.put("zh", sample(5));
        cache_file::finish_writes();
        let back = store.take("zh", 5);
        assert_eq!(back.terms, sample(5).terms);
        assert_eq!(back.docs, sample(5).docs);
        assert!(!back.changed);
        // Only the final file is left.
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("search")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["zh.bin"]);
    }

    #[test]
    fn entries_of_another_epoch_or_a_damaged_file_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocStore::Folder(dir.path().join("search"));
        store.put("zh", sample(5));
        cache_file::finish_writes();
        assert!(store.take("zh", 6).docs.is_empty());
        let path = dir.path().join("search/zh.bin");
        let bytes = std::fs::read(&path).unwrap();
        // Cut short, then a term number out of range: nothing of it is used.
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert!(store.take("zh", 5).docs.is_empty());
        let mut bad = sample(5);
        bad.terms.pop();
        store.put("zh", bad);
        cache_file::finish_writes();
        assert!(store.take("zh", 5).docs.is_empty());
        assert!(store.take("en", 5).docs.is_empty());
    }

    #[test]
    fn an_unchanged_set_is_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocStore::Folder(dir.path().join("search"));
        let mut docs = sample(5);
        docs.changed = false;
        store.put("zh", docs);
        cache_file::finish_writes();
        assert!(!dir.path().join("search/zh.bin").exists());
    }
}

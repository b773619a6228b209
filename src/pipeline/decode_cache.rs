//! Decoded tutorial files by path, kept between loads: a file that did not change is not
//! decoded again, and gives the new site the very `Arc<Tutorial>` of the last one (which
//! is how the preview tells unchanged tutorials apart at a glance).
//!
//! `build` also keeps them between runs, in `.stepwise-cache/decoded.bin` (one frame per
//! file; see [`crate::cache_file`]): decoding every YAML file was the largest part of a
//! build after a one-tutorial edit. An entry is used only for a file whose path, key and
//! text fingerprint are the ones it was decoded from, and the file as a whole only by the
//! program and languages that wrote it: a stale entry is never used.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache_file;
use crate::config::SiteConfig;
use crate::fingerprint::{self, Fingerprint};
use crate::lang::Languages;
use crate::load::SourceFile;
use crate::model::{self, Decoded};
use crate::progress::Phase;

/// Bumped when the decoded types or the decoder's output change meaning.
const FORMAT: u64 = 1;

#[derive(Default)]
pub(super) struct DecodeCache {
    /// What the entries were decoded for: texts are checked against the languages.
    languages: Option<Languages>,
    entries: HashMap<PathBuf, Entry>,
    /// Where the entries are kept between runs, if they are.
    file: Option<PathBuf>,
    /// Entries were added or dropped since the file was read.
    changed: bool,
}

/// A decoded file, with the id and text it was decoded from.
struct Entry {
    key: String,
    /// [`SourceFile::fingerprint`] of what it was decoded from.
    source: u64,
    /// The text itself, while the preview holds it: a file not read again since is the
    /// same allocation, told apart without hashing.
    text: Option<Arc<str>>,
    decoded: Arc<Decoded>,
}

impl Entry {
    fn holds(&self, f: &SourceFile) -> bool {
        self.key == f.key
            && (self.text.as_ref().is_some_and(|t| Arc::ptr_eq(t, &f.text)) || self.source == f.fingerprint())
    }
}

impl DecodeCache {
    /// A cache that reads its entries from `file` (and [`DecodeCache::save`] writes them
    /// there).
    pub(super) fn kept_in(file: PathBuf) -> DecodeCache {
        DecodeCache { file: Some(file), ..DecodeCache::default() }
    }

    /// Every file of `files`, decoded (in parallel), in the same order.
    pub(super) fn decode(&mut self, files: &[SourceFile], config: &SiteConfig, progress: &Phase) -> Vec<Arc<Decoded>> {
        if self.languages.as_ref() != Some(&config.languages) {
            self.entries = match &self.file {
                Some(file) => read(file, epoch(&config.languages)).unwrap_or_default(),
                None => HashMap::new(),
            };
            self.changed = false;
            self.languages = Some(config.languages.clone());
        }
        let entries = &self.entries;
        // `true` marks a file decoded now, to be remembered.
        let decoded: Vec<(bool, Arc<Decoded>)> = files
            .par_iter()
            .map(|f| match entries.get(&f.path) {
                Some(e) if e.holds(f) => (false, Arc::clone(&e.decoded)),
                _ => {
                    let decoded = Arc::new(model::decode_tutorial(f, config));
                    progress.tick();
                    (true, decoded)
                }
            })
            .collect();
        if self.entries.len() != files.len() || decoded.iter().any(|(new, _)| *new) {
            let present: HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
            let before = self.entries.len();
            self.entries.retain(|p, _| present.contains(p.as_path()));
            self.changed |= self.entries.len() != before;
        }
        for (f, (new, d)) in files.iter().zip(&decoded) {
            if *new {
                let source = d.0.tutorial.as_ref().map_or_else(|| f.fingerprint(), |t| t.source);
                let entry =
                    Entry { key: f.key.clone(), source, text: Some(Arc::clone(&f.text)), decoded: Arc::clone(d) };
                self.entries.insert(f.path.clone(), entry);
                self.changed = true;
            }
        }
        decoded.into_iter().map(|(_, d)| d).collect()
    }

    /// Writes the entries to the cache's file (on a thread of its own, see
    /// [`cache_file::write_later`]), if it has one and they changed since it was read. A
    /// failure only costs the next build time: it is not an error.
    pub(super) fn save(&mut self) {
        let (Some(file), Some(languages)) = (&self.file, &self.languages) else { return };
        if !self.changed {
            return;
        }
        let entries: Vec<(PathBuf, String, u64, Arc<Decoded>)> =
            self.entries.iter().map(|(p, e)| (p.clone(), e.key.clone(), e.source, Arc::clone(&e.decoded))).collect();
        let (file, epoch) = (file.clone(), epoch(languages));
        cache_file::write_later(move || {
            _ = cache_file::write(&file, FORMAT, epoch, entries.len() as u64, |w| {
                entries.iter().try_for_each(|(path, key, source, decoded)| w.put(&(path, key, source, &**decoded)))
            });
        });
        self.changed = false;
    }
}

/// What every entry is decoded with besides its file: the program and the languages.
fn epoch(languages: &Languages) -> u64 {
    Fingerprint::new().u64(fingerprint::program()).debug(languages).finish()
}

fn read(file: &Path, epoch: u64) -> std::io::Result<HashMap<PathBuf, Entry>> {
    let frames: Vec<(PathBuf, String, u64, Decoded)> = cache_file::Reader::open(file, FORMAT, epoch)?.rest()?;
    let entries = frames
        .into_iter()
        .map(|(path, key, source, decoded)| (path, Entry { key, source, text: None, decoded: Arc::new(decoded) }));
    Ok(entries.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Progress;

    fn config(languages: &str) -> SiteConfig {
        crate::config::parse(&format!("base_url = \"https://x.test\"\nlanguages = {languages}\n")).unwrap()
    }

    fn file(name: &str, title: &str) -> SourceFile {
        let text =
            format!("title: {{zh: {title}, en: {title}}}\ndate: 2024-05-01\nsteps:\n  - text: {{zh: 一, en: one}}\n");
        SourceFile { path: format!("content/a/{name}.yaml").into(), key: format!("a/{name}"), text: text.into() }
    }

    fn titles(decoded: &[Arc<Decoded>]) -> Vec<String> {
        decoded.iter().map(|d| d.0.tutorial.as_ref().unwrap().title.source("zh").to_string()).collect()
    }

    /// A cache on `path` that decodes `files` with `config`: what it gave, and whether it
    /// decoded anything (or dropped an entry) rather than taking everything from the file.
    fn run(path: &Path, files: &[SourceFile], config: &SiteConfig) -> (Vec<Arc<Decoded>>, bool) {
        let mut cache = DecodeCache::kept_in(path.to_path_buf());
        let decoded = cache.decode(files, config, &Progress::off().phase("", "", 0, 1));
        let changed = cache.changed;
        cache.save();
        cache_file::finish_writes();
        (decoded, changed)
    }

    #[test]
    fn a_later_run_takes_unchanged_files_from_the_cache_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decoded.bin");
        let zh_en = config("[\"zh\", \"en\"]");
        let mut files = vec![file("one", "一"), file("two", "二")];
        let (first, changed) = run(&path, &files, &zh_en);
        assert!(changed && path.is_file());

        // Nothing changed: everything comes from the file, as it was decoded.
        let (again, changed) = run(&path, &files, &zh_en);
        assert!(!changed);
        assert_eq!(titles(&again), ["一", "二"]);
        for (a, b) in first.iter().zip(&again) {
            assert_eq!(a.0.tutorial, b.0.tutorial);
            assert_eq!(a.1.iter().collect::<Vec<_>>(), b.1.iter().collect::<Vec<_>>());
        }

        // One file edited (same path, other text), one removed: decoded again, dropped.
        files[0] = file("one", "壹");
        files.pop();
        let (edited, changed) = run(&path, &files, &zh_en);
        assert!(changed);
        assert_eq!(titles(&edited), ["壹"]);
        assert!(!run(&path, &files, &zh_en).1);

        // Other languages: the file is not used (a Chinese-only site reports the English
        // texts that a Chinese and English one took).
        let (decoded, changed) = run(&path, &files, &config("[\"zh\"]"));
        assert!(changed);
        assert!(decoded[0].0.tutorial.is_none() && decoded[0].1.has_errors());
        // A damaged file: everything is decoded again, nothing fails.
        std::fs::write(&path, b"\x09\0\0\0damaged").unwrap();
        let (decoded, changed) = run(&path, &files, &zh_en);
        assert!(changed);
        assert_eq!(titles(&decoded), ["壹"]);
    }
}

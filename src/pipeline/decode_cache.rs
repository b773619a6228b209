//! Decoded tutorial files by path, kept between loads: a file that did not change is not
//! decoded again, and gives the new site the very `Arc<Tutorial>` of the last one (which
//! is how the preview tells unchanged tutorials apart at a glance).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::lang::Languages;
use crate::load::SourceFile;
use crate::model::{self, Decoded};
use crate::progress::Phase;

#[derive(Default)]
pub(super) struct DecodeCache {
    /// What the entries were decoded for: texts are checked against the languages.
    languages: Option<Languages>,
    entries: HashMap<PathBuf, Entry>,
}

/// A decoded file, with the id and text it was decoded from.
struct Entry {
    key: String,
    text: Arc<str>,
    decoded: Arc<Decoded>,
}

impl Entry {
    fn holds(&self, f: &SourceFile) -> bool {
        // A file not read again since is the same allocation.
        self.key == f.key && (Arc::ptr_eq(&self.text, &f.text) || self.text == f.text)
    }
}

impl DecodeCache {
    /// Every file of `files`, decoded (in parallel), in the same order.
    pub(super) fn decode(&mut self, files: &[SourceFile], config: &SiteConfig, progress: &Phase) -> Vec<Arc<Decoded>> {
        if self.languages.as_ref() != Some(&config.languages) {
            self.entries.clear();
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
            self.entries.retain(|p, _| present.contains(p.as_path()));
        }
        for (f, (new, d)) in files.iter().zip(&decoded) {
            if *new {
                let entry = Entry { key: f.key.clone(), text: Arc::clone(&f.text), decoded: Arc::clone(d) };
                self.entries.insert(f.path.clone(), entry);
            }
        }
        decoded.into_iter().map(|(_, d)| d).collect()
    }
}

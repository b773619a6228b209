//! What a build left in its output folder: each file's content hash, length and mtime.
//! The next build trusts a file whose length and mtime still match its entry to hold
//! those bytes, so it can tell unchanged files without reading them.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// One file: (hash, length, mtime seconds, mtime nanoseconds). The hash is 0 for files
/// named by their content (screenshots), whose name says what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub(crate) hash: u64,
    pub(crate) len: u64,
    secs: i64,
    nanos: u32,
}

impl Entry {
    /// The entry of the file at `path` (not following a link), holding bytes that hash to `hash`.
    pub(crate) fn of(path: &Path, hash: u64) -> io::Result<Entry> {
        Ok(Entry::of_meta(&std::fs::symlink_metadata(path)?, hash))
    }

    /// The entry of a file whose metadata is at hand (of the handle it was written by).
    pub(crate) fn of_meta(meta: &std::fs::Metadata, hash: u64) -> Entry {
        let (secs, nanos) = mtime(meta);
        Entry { hash, len: meta.len(), secs, nanos }
    }

    /// Whether the file at `path` is still the one this entry describes: a regular file
    /// of the same length, not modified since.
    pub(crate) fn matches(&self, path: &Path) -> bool {
        match std::fs::symlink_metadata(path) {
            Ok(meta) => meta.is_file() && meta.len() == self.len && mtime(&meta) == (self.secs, self.nanos),
            Err(_) => false,
        }
    }
}

fn mtime(meta: &std::fs::Metadata) -> (i64, u32) {
    match meta.modified().map(|t| t.duration_since(UNIX_EPOCH)) {
        Ok(Ok(d)) => (d.as_secs() as i64, d.subsec_nanos()),
        // Before 1970, or no mtime at all: never matches a real one.
        _ => (i64::MIN, 0),
    }
}

/// Every file of an output folder, by output-relative path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    files: BTreeMap<String, Entry>,
}

impl Manifest {
    pub(crate) fn get(&self, path: &str) -> Option<&Entry> {
        self.files.get(path)
    }

    pub(crate) fn insert(&mut self, path: String, entry: Entry) {
        self.files.insert(path, entry);
    }

    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.files.iter().map(|(p, e)| (p.as_str(), e))
    }

    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub(crate) fn count(&self) -> usize {
        self.files.len()
    }
}

//! Stage 4: the output folder. A build changes it only once everything succeeded, and
//! then only where the new site differs: a file whose bytes are unchanged is never
//! written again (its mtime and inode stay, so `rsync`, `aws s3 sync` and CDN uploads send
//! only what changed), and `--changes` can list what was added, changed and removed.
//!
//! How: every file of the new site is handed to [`Output`]. One whose bytes equal the
//! file already there is only recorded; any other is written into a staging folder beside
//! the output (`.{name}.staging/`, same filesystem). Nothing in the output folder is
//! touched until [`Output::commit`]: a failed build leaves it exactly as it was. The
//! commit renames each staged file into place (atomic per file: a reader sees the old
//! file or the new one) and removes the files the new site no longer has. A folder that
//! does not exist yet is simply the staging folder renamed.
//!
//! Whether bytes are unchanged is known from the [`Manifest`] of the last build (each
//! file's hash, length and mtime, kept by the caller in `.stepwise-cache/`): a file whose
//! length and mtime still match its entry is trusted to hold the hashed bytes. Without a
//! manifest (a first build into an existing folder, a deleted cache), files are compared
//! byte for byte. A lock file beside the output (`.{name}.lock`) keeps a second build out
//! while one runs; a staging folder found while holding it was left by a killed build.
//!
//! Which folders a build may write at all: see [`owner`].

mod manifest;
mod owner;

use std::collections::BTreeMap;
use std::io::{self, Read as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::fingerprint;
pub(crate) use manifest::{Entry, Manifest};
use owner::MARKER_TEXT;
pub(crate) use owner::{OUTPUT_MARKER, check_target};

/// What a commit did, by output-relative path.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    pub(crate) added: Vec<String>,
    pub(crate) changed: Vec<String>,
    pub(crate) removed: Vec<String>,
    pub(crate) unchanged: usize,
}

impl Report {
    pub(crate) fn written(&self) -> usize {
        self.added.len() + self.changed.len()
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    #[error("{path}: {source}", path = .0.display(), source = .1)]
    Io(PathBuf, io::Error),
    /// Another build holds the output folder's lock.
    #[error("{}: another stepwise build is writing this folder right now", .0.display())]
    Busy(PathBuf),
}

/// How a file of the new site gets there.
enum Placed {
    /// The output already holds these bytes.
    Unchanged(Entry),
    /// Written into the staging folder, to be renamed into place; `new` when the output
    /// has no file of that name.
    Staged { entry: Entry, new: bool },
}

/// One build's way into its output folder.
pub(crate) struct Output {
    out_dir: PathBuf,
    staging: PathBuf,
    /// Held until the build ends: a second build into the same folder waits its turn.
    _lock: std::fs::File,
    /// The folder does not exist yet: the staging folder becomes it.
    fresh: bool,
    /// What the folder held after the last build (trusted entry by entry, see [`Entry`]).
    previous: Option<Manifest>,
    files: Mutex<BTreeMap<String, Placed>>,
}

impl Output {
    /// Takes the output folder's lock and prepares an empty staging folder. `previous` is
    /// the manifest of the last build into `out_dir`, if it is known.
    pub(crate) fn open(out_dir: &Path, previous: Option<Manifest>) -> Result<Output, OutputError> {
        let parent = match out_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out_dir.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
        std::fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent.clone(), e))?;
        let lock_path = parent.join(format!(".{name}.lock"));
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| OutputError::Io(lock_path.clone(), e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(OutputError::Busy(out_dir.to_path_buf())),
            Err(std::fs::TryLockError::Error(e)) => return Err(OutputError::Io(lock_path, e)),
        }
        // Holding the lock, whatever staging folder is there was left by a killed build;
        // `.{name}.prev` is the recycled folder of earlier versions.
        // `.{name}.prev` is the recycled folder of earlier versions, removed only if it
        // says it is a stepwise output.
        let staging = parent.join(format!(".{name}.staging"));
        let prev = parent.join(format!(".{name}.prev"));
        let ours = |dir: &Path| dir == staging || dir.join(OUTPUT_MARKER).is_file();
        for leftover in [&staging, &prev] {
            if leftover.is_dir() && ours(leftover) {
                std::fs::remove_dir_all(leftover).map_err(|e| OutputError::Io(leftover.clone(), e))?;
            }
        }
        std::fs::create_dir_all(&staging).map_err(|e| OutputError::Io(staging.clone(), e))?;
        let fresh = std::fs::symlink_metadata(out_dir).is_err();
        let output = Output {
            out_dir: out_dir.to_path_buf(),
            staging,
            _lock: lock,
            fresh,
            previous: if fresh { None } else { previous },
            files: Mutex::new(BTreeMap::new()),
        };
        // Every output says whose it is.
        output.write(OUTPUT_MARKER, MARKER_TEXT.as_bytes()).map_err(|e| OutputError::Io(output.staging.clone(), e))?;
        Ok(output)
    }

    pub(crate) fn staging(&self) -> &Path {
        &self.staging
    }

    /// A file of the new site: `rel` is output-relative and `/`-separated.
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let key = normalize(rel);
        let hash = fingerprint::of_bytes(bytes);
        if !self.fresh
            && let Some(entry) = self.unchanged(&key, bytes.len() as u64, Some(hash), || Ok(bytes.to_vec()))?
        {
            self.record(key, Placed::Unchanged(entry));
            return Ok(());
        }
        let path = self.staging.join(&key);
        create_parent(&path)?;
        // The handle's metadata: no second walk of the path.
        let mut file = std::fs::File::create(&path)?;
        file.write_all(bytes)?;
        let entry = Entry::of_meta(&file.metadata()?, hash);
        self.stage(key, entry);
        Ok(())
    }

    /// A file made elsewhere whose name changes with its content (hashed screenshot
    /// names): one already in the output under that name and length is kept.
    pub(crate) fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        let key = normalize(rel);
        let len = std::fs::metadata(from)?.len();
        if !self.fresh
            && let Some(entry) = self.unchanged(&key, len, None, || std::fs::read(from))?
        {
            self.record(key, Placed::Unchanged(entry));
            return Ok(());
        }
        let path = self.staging.join(&key);
        create_parent(&path)?;
        std::fs::copy(from, &path)?;
        let entry = Entry::of(&path, 0)?;
        self.stage(key, entry);
        Ok(())
    }

    /// A file of the new site that was not made again: kept if the output still holds
    /// what the last build wrote there. False when it must be made (missing, changed by
    /// someone, or no manifest to trust).
    pub(crate) fn keep(&self, rel: &str) -> bool {
        let key = normalize(rel);
        let Some(entry) = self.previous.as_ref().and_then(|m| m.get(&key)) else { return false };
        if !entry.matches(&self.out_dir.join(&key)) {
            return false;
        }
        self.record(key, Placed::Unchanged(*entry));
        true
    }

    /// Whether the output's file `key` holds the new bytes (`len` long, hashing to
    /// `hash`; `None` for content-named files, whose name says what they hold). Its
    /// entry for the new manifest if so.
    fn unchanged(
        &self,
        key: &str,
        len: u64,
        hash: Option<u64>,
        bytes: impl FnOnce() -> io::Result<Vec<u8>>,
    ) -> io::Result<Option<Entry>> {
        let path = self.out_dir.join(key);
        if let Some(entry) = self.previous.as_ref().and_then(|m| m.get(key)) {
            let same = entry.len == len && hash.is_none_or(|h| h == entry.hash);
            return Ok((same && entry.matches(&path)).then_some(*entry));
        }
        if self.previous.is_some() {
            // The last build made no such file: whatever is there is not this file.
            return Ok(None);
        }
        // No manifest: compare with what is there.
        let Ok(meta) = std::fs::symlink_metadata(&path) else { return Ok(None) };
        if !meta.is_file() || meta.len() != len {
            return Ok(None);
        }
        let new = bytes()?;
        let mut old = Vec::with_capacity(len as usize);
        std::fs::File::open(&path)?.take(len + 1).read_to_end(&mut old)?;
        if old != new {
            return Ok(None);
        }
        Ok(Some(Entry::of(&path, hash.unwrap_or(0))?))
    }

    fn stage(&self, key: String, entry: Entry) {
        let new = self.fresh || std::fs::symlink_metadata(self.out_dir.join(&key)).is_err();
        self.record(key, Placed::Staged { entry, new });
    }

    fn record(&self, key: String, placed: Placed) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(key, placed);
    }

    /// Makes the output folder the new site: staged files renamed into place, files the
    /// new site does not have removed. Returns what changed and the new manifest.
    pub(crate) fn commit(self) -> Result<(Report, Manifest), OutputError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |e| OutputError::Io(path, e)
        };
        let files = std::mem::take(&mut *self.files.lock().unwrap_or_else(|e| e.into_inner()));
        let mut report = Report::default();
        let mut manifest = Manifest::default();
        if self.fresh {
            std::fs::rename(&self.staging, &self.out_dir).map_err(io(&self.out_dir))?;
        }
        for (key, placed) in files {
            // The marker is the folder's, not the site's: it is in no report.
            let reported = key != OUTPUT_MARKER;
            match placed {
                Placed::Unchanged(entry) => {
                    report.unchanged += usize::from(reported);
                    manifest.insert(key, entry);
                }
                Placed::Staged { entry, new } => {
                    if !self.fresh {
                        let target = self.out_dir.join(&key);
                        create_parent(&target).map_err(io(&target))?;
                        // A folder where a file now goes (a page became a file): stepwise's own.
                        if target.is_dir() {
                            std::fs::remove_dir_all(&target).map_err(io(&target))?;
                        }
                        std::fs::rename(self.staging.join(&key), &target).map_err(io(&target))?;
                    }
                    match (reported, new) {
                        (false, _) => {}
                        (true, true) => report.added.push(key.clone()),
                        (true, false) => report.changed.push(key.clone()),
                    }
                    manifest.insert(key, entry);
                }
            }
        }
        if !self.fresh {
            // What the last build wrote that this one does not have; without a manifest,
            // every file in the folder that is not the new site's.
            let stale: Vec<String> = match &self.previous {
                Some(previous) => previous.paths().filter(|p| manifest.get(p).is_none()).map(str::to_owned).collect(),
                None => files_under(&self.out_dir)
                    .map_err(io(&self.out_dir))?
                    .into_iter()
                    .filter(|p| manifest.get(p).is_none())
                    .collect(),
            };
            for key in stale {
                let path = self.out_dir.join(&key);
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(OutputError::Io(path, e)),
                }
                prune_empty_parents(&path, &self.out_dir);
                report.removed.push(key);
            }
            std::fs::remove_dir_all(&self.staging).map_err(io(&self.staging))?;
        }
        Ok((report, manifest))
    }
}

impl Drop for Output {
    /// A build that did not commit leaves no staging folder behind (and the output
    /// folder as it was).
    fn drop(&mut self) {
        if self.staging.exists() && (self.out_dir.exists() || self.fresh) {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Whether a killed build left its staging folder beside `out_dir` (the next build
/// that opens the folder removes it).
pub(crate) fn has_leftovers(out_dir: &Path) -> bool {
    let name = out_dir.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
    out_dir.parent().unwrap_or(Path::new(".")).join(format!(".{name}.staging")).exists()
}

/// Whether `out_dir` still holds every file of `manifest` as the last build left it.
pub(crate) fn intact(out_dir: &Path, manifest: &Manifest) -> bool {
    use rayon::prelude::*;
    let entries: Vec<(&str, &Entry)> = manifest.entries().collect();
    !entries.is_empty() && entries.par_iter().all(|(path, entry)| entry.matches(&out_dir.join(path)))
}

fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(parent) => std::fs::create_dir_all(parent),
        None => Ok(()),
    }
}

/// Removes the folders between `path` and `root` that `path`'s removal left empty.
fn prune_empty_parents(path: &Path, root: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != root && d.starts_with(root)) {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Every file under `dir`, output-relative. Links are not followed (and are listed, so
/// that they are removed rather than written through).
fn files_under(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
        let parts: Vec<&str> = rel.components().filter_map(|c| c.as_os_str().to_str()).collect();
        out.push(parts.join("/"));
    }
    Ok(out)
}

/// `./zh//a/index.html` -> `zh/a/index.html`: the key a path is known by.
fn normalize(rel: &str) -> String {
    if !rel.starts_with(['.', '/']) && !rel.contains("//") && !rel.contains("/./") && !rel.contains('\\') {
        return rel.to_string();
    }
    let parts: Vec<&str> = Path::new(rel)
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests;

//! What the last build into an output folder was made from and what it left there, so
//! the next build does only what changed: `.stepwise-cache/builds/{folder}.json`.
//!
//! - `maker`: this program and the build's options; another version or `--production`
//!   where there was none makes everything again;
//! - `inputs`: the fingerprint of everything read ([`super::Pipeline::inputs`]); equal
//!   inputs, the same screenshots and an output folder as it was left mean nothing to do;
//! - `summary`: the site, as [`super::changes::diff`] needs it to tell which pages an edit
//!   touches;
//! - `manifest`: every output file's hash, length and mtime (see `output`);
//! - the warnings of that build, shown again when nothing changed.
//!
//! The file is removed before a build starts changing the output folder and written
//! again (atomically) only after it succeeded: a killed build leaves no state, and the
//! next one compares files byte for byte. The cache is safe to delete.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::changes::Summary;
use crate::diagnostics::Diagnostic;
use crate::fingerprint::Fingerprint;
use crate::images::CACHE_DIR;
use crate::output::{Entry, Manifest};

/// Bumped when the file's meaning changes.
const FORMAT: u64 = 2;

#[derive(Serialize, Deserialize)]
pub(crate) struct BuildState {
    pub(crate) maker: u64,
    pub(crate) inputs: u64,
    pub(crate) summary: Summary,
    pub(crate) manifest: Manifest,
    /// The machine-made files (sitemap, feeds, search), which change with any tutorial.
    pub(crate) machine_files: Vec<String>,
    /// The screenshot files the site shows, as they were (hash 0).
    pub(crate) screenshots: Vec<(PathBuf, Entry)>,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// The program and the options a build ran with: state made by another is not reused.
pub(crate) fn maker(production: bool) -> u64 {
    let mut f = Fingerprint::new();
    f.u64(FORMAT).u64(crate::fingerprint::program()).u64(u64::from(production));
    f.finish()
}

/// Where the state of the builds into `out_dir` is kept.
pub(crate) fn path(root: &Path, out_dir: &Path) -> PathBuf {
    // The same folder gives the same name before and after it exists (`./public`,
    // `public`, through a link...).
    let absolute = std::fs::canonicalize(out_dir).unwrap_or_else(|_| {
        let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        match (std::fs::canonicalize(parent), out_dir.file_name()) {
            (Ok(parent), Some(name)) => parent.join(name),
            _ => std::env::current_dir().map(|d| d.join(out_dir)).unwrap_or_else(|_| out_dir.to_path_buf()),
        }
    });
    let name = absolute.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().to_string());
    let name = crate::cache_file::safe_name(&name);
    let key = Fingerprint::new().debug(&absolute).finish();
    root.join(CACHE_DIR).join("builds").join(format!("{name}-{key:016x}.json"))
}

impl BuildState {
    /// The state at `path`, if it exists, reads, and was made by `maker`.
    pub(crate) fn load(path: &Path, maker: u64) -> Option<BuildState> {
        let bytes = std::fs::read(path).ok()?;
        let state: BuildState = serde_json::from_slice(&bytes).ok()?;
        (state.maker == maker).then_some(state)
    }

    /// Whether every screenshot is still the file the last build used.
    pub(crate) fn screenshots_unchanged(&self) -> bool {
        self.screenshots.iter().all(|(path, entry)| entry.matches(path))
    }

    /// Writes the state through a temporary file and a rename.
    pub(crate) fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec(self).map_err(std::io::Error::other)?)?;
        std::fs::rename(&tmp, path)
    }
}

/// Removes the state: the output folder is about to change.
pub(crate) fn forget(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_folder_has_one_state_before_and_after_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let before = path(&root, &root.join("./public"));
        std::fs::create_dir_all(root.join("public")).unwrap();
        assert_eq!(path(&root, &root.join("public")), before);
        assert_eq!(path(&root, &root.join("./public")), before);
        assert_ne!(path(&root, &root.join("other")), before);
    }
}

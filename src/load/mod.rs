//! Stage 1: disk -> raw source files.
//!
//! Walks `content/` (walkdir, sorted, so every run sees files in the same order), reads
//! each YAML file as UTF-8 text and sorts it by role. Nothing here interprets YAML
//! content; `yaml` turns text into positioned nodes for the model to check. Every file
//! is read through `file`: regular files only, links only inside their folder, bounded.
//! Links to folders are not followed (so no link can make the walk loop or leave
//! `content/`).

pub(crate) mod file;
pub(crate) mod yaml;

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use file::Folder;

pub(crate) const CONTENT_DIR: &str = "content";
pub(crate) const CATEGORY_FILE: &str = "_category.yaml";
pub(crate) const AUTHORS_FILE: &str = "_authors.yaml";
/// Tag slug -> its name per language.
pub(crate) const TAGS_FILE: &str = "_tags.yaml";
/// The translation records, beside `site.toml` (see `i18n::lock`).
pub const LOCK_FILE: &str = "i18n.lock";
/// A tutorial is a few kilobytes; anything this large is a mistake (or an attack).
const MAX_YAML_BYTES: u64 = 2 * 1024 * 1024;
/// The translation records of a site of 100,000 tutorials fit with room to spare.
const MAX_LOCK_BYTES: u64 = 512 * 1024 * 1024;

/// One YAML file, read and decoded.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// The path to show in messages (`content/amazon/forgot-password.yaml`, or under `--root`).
    pub(crate) path: PathBuf,
    /// The path inside `content/`, with `/` separators and without the extension for
    /// tutorials (`cross-border-ec/amazon/forgot-password`), or the folder for a category.
    pub(crate) key: String,
    /// Shared, so that the preview server can tell a file it did not re-read at a glance.
    pub(crate) text: Arc<str>,
}

impl SourceFile {
    /// The fingerprint of the file's key and text: what a tutorial is decoded from
    /// (with the site's languages).
    pub(crate) fn fingerprint(&self) -> u64 {
        crate::fingerprint::Fingerprint::new().str(&self.key).str(&self.text).finish()
    }
}

#[derive(Debug, Default)]
pub(crate) struct RawContent {
    pub(crate) tutorials: Vec<SourceFile>,
    pub(crate) categories: Vec<SourceFile>,
    pub(crate) authors: Option<SourceFile>,
    /// `content/_tags.yaml`, when the site names its tags.
    pub(crate) tags: Option<SourceFile>,
    /// Every folder under `content/` that may hold tutorials (not `_assets` folders).
    pub(crate) folders: Vec<String>,
    /// The translation records, `i18n.lock` beside `site.toml`, when the site has them.
    pub(crate) lock: Option<SourceFile>,
}

/// Reads everything under `root/content`. Problems with single files are collected;
/// the returned content holds the files that could be read.
pub(crate) fn load_content(root: &Path) -> (RawContent, Diagnostics) {
    let content_dir = root.join(CONTENT_DIR);
    let content = content_folder(root);
    let mut raw = RawContent::default();
    let mut diags = Diagnostics::new();
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error(&content_dir, None, "the content folder does not exist")
                .with_hint("create it and put one YAML file per tutorial in a category folder"),
        );
        return (raw, diags);
    }
    let walker = WalkDir::new(&content_dir)
        .sort_by_file_name()
        .into_iter()
        // Hidden files are editor and VCS litter; `_name` folders hold shared assets.
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || (name.starts_with('_') && e.file_type().is_dir()))
        });
    // The files to read: which slot each fills, its path, its key.
    let mut found: Vec<(&str, PathBuf, String)> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| content_dir.clone());
                diags.push(Diagnostic::error(path, None, format!("cannot read: {e}")));
                continue;
            }
        };
        let rel = match entry.path().strip_prefix(&content_dir) {
            Ok(r) => r.to_string_lossy().replace('\\', "/"),
            Err(_) => continue,
        };
        if entry.file_type().is_dir() {
            if entry.depth() > 0 {
                raw.folders.push(rel);
            }
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_string();
        let is_yaml = name.ends_with(".yaml");
        if name.ends_with(".yml") {
            diags.push(
                Diagnostic::warning(entry.path(), None, "ignored: stepwise reads `.yaml` files")
                    .with_hint(format!("rename it to `{}`", name.trim_end_matches(".yml").to_string() + ".yaml")),
            );
            continue;
        }
        if !is_yaml {
            if entry.path_is_symlink() && entry.path().is_dir() {
                diags.push(
                    Diagnostic::warning(
                        entry.path(),
                        None,
                        "ignored: a link to a folder (stepwise does not follow them)",
                    )
                    .with_hint("move or copy the folder into `content/`"),
                );
            }
            continue; // screenshots and other assets are found through the tutorials
        }
        let parent = rel.rsplit_once('/').map_or("", |(p, _)| p).to_string();
        let (slot, key) = if name == CATEGORY_FILE {
            ("category", parent)
        } else if name == AUTHORS_FILE || name == TAGS_FILE {
            if entry.depth() != 1 {
                diags.push(Diagnostic::warning(
                    entry.path(),
                    None,
                    format!("ignored: `{name}` belongs directly in `content/`"),
                ));
                continue;
            }
            (if name == AUTHORS_FILE { "authors" } else { "tags" }, String::new())
        } else if name.starts_with('_') {
            diags.push(
                Diagnostic::warning(entry.path(), None, "ignored: files starting with `_` are reserved")
                    .with_hint("known special files are `_category.yaml`, `_authors.yaml` and `_tags.yaml`"),
            );
            continue;
        } else {
            ("tutorial", rel.trim_end_matches(".yaml").to_string())
        };
        found.push((slot, entry.into_path(), key));
    }
    // Read in parallel (the walk is in order; so are the files it found).
    let read: Vec<(Option<String>, Diagnostics)> = found
        .par_iter()
        .map(|(_, path, _)| {
            let mut d = Diagnostics::new();
            (read_text(path, &content, &mut d), d)
        })
        .collect();
    for ((slot, path, key), (text, d)) in found.into_iter().zip(read) {
        diags.extend(d);
        let Some(text) = text else { continue };
        let file = SourceFile { path, key, text: text.into() };
        match slot {
            "category" => raw.categories.push(file),
            "authors" => raw.authors = Some(file),
            "tags" => raw.tags = Some(file),
            _ => raw.tutorials.push(file),
        }
    }
    let lock = root.join(LOCK_FILE);
    // About 1.2 KB per tutorial: a big site's records outgrow the limit for YAML files.
    if std::fs::symlink_metadata(&lock).is_ok()
        && let Some(text) = read_text_up_to(&lock, &site_folder(root), MAX_LOCK_BYTES, &mut diags)
    {
        raw.lock = Some(SourceFile { path: lock, key: String::new(), text: text.into() });
    }
    (raw, diags)
}

/// `content/`, the folder content files and screenshots must stay in.
pub(crate) fn content_folder(root: &Path) -> Folder {
    Folder::new(&root.join(CONTENT_DIR), "`content/`")
}

/// The site's folder, which `site.toml` and `i18n.lock` must stay in.
pub(crate) fn site_folder(root: &Path) -> Folder {
    Folder::new(root, "the site folder")
}

/// Reads a content file (a file of `content`) as UTF-8 text, dropping a BOM. Invalid
/// UTF-8 is reported at its position.
pub(crate) fn read_text(path: &Path, content: &Folder, diags: &mut Diagnostics) -> Option<String> {
    read_text_up_to(path, content, MAX_YAML_BYTES, diags)
}

/// [`read_text`] for a file of another folder, with another size limit.
pub(crate) fn read_text_up_to(path: &Path, folder: &Folder, max_bytes: u64, diags: &mut Diagnostics) -> Option<String> {
    let bytes = match file::read(path, folder, max_bytes) {
        Ok(b) => b,
        Err(e) => {
            let mut d = Diagnostic::error(path, None, e.message());
            d.hint = e.hint();
            diags.push(d);
            return None;
        }
    };
    match decode_utf8(bytes) {
        Ok(text) => Some(text),
        Err(pos) => {
            diags.push(
                Diagnostic::error(path, Some(pos), "the file is not valid UTF-8")
                    .with_hint("save it as UTF-8 (in most editors: \"Save with encoding\" > UTF-8)"),
            );
            None
        }
    }
}

/// The text of a file a message points into, to show the line (`None` when it cannot be
/// shown): only a regular file, and no larger than any file stepwise reads, so a file
/// swapped for a pipe or a device after the run cannot hang or flood the report.
pub fn read_source(path: &Path) -> Option<String> {
    file::read_regular(path, MAX_LOCK_BYTES).ok().and_then(|b| decode_utf8(b).ok())
}

/// UTF-8 text without a BOM, or the position of the first invalid byte.
pub fn decode_utf8(mut bytes: Vec<u8>) -> Result<String, Pos> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..valid]);
        let line = good.matches('\n').count() + 1;
        let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Pos { line, col }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_finds_bad_bytes() {
        assert_eq!(decode_utf8(b"\xEF\xBB\xBFa: 1".to_vec()).unwrap(), "a: 1");
        assert_eq!(decode_utf8(b"a: 1\nb: \xff".to_vec()).unwrap_err(), Pos { line: 2, col: 4 });
    }
}

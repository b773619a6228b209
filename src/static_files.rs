//! The site's own `static/` folder: files published as they are, at the same path under
//! the output root (`static/CNAME` -> `CNAME`, `static/brand/logo.svg` ->
//! `brand/logo.svg`), as Zola and Hugo do. A file there replaces the theme's static file
//! of the same path (`static/favicon.svg`).
//!
//! Read like screenshots: only regular files inside `static/` (a link leading out of it
//! is refused, a device or pipe is refused), each at most the screenshot size limit
//! (`[images] max_file_mb`, 20 MB by default), never more than that read. Editor and
//! system leftovers (`.DS_Store`, `*~`, `*.swp`) and `.git/` are skipped; other dot files
//! (`.nojekyll`, `.well-known/`) are published. Which paths a static file may not take
//! (the pages and machine files stepwise writes) is the pipeline's to decide: it knows
//! the pages.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};

pub(crate) const STATIC_DIR: &str = "static";

/// The files of `static/`, by output-relative path (`/`-separated).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct StaticFiles {
    pub(crate) files: BTreeMap<String, Vec<u8>>,
}

/// Reads `root/static/`; every problem is an error naming the file.
pub(crate) fn read(root: &Path, max_bytes: u64) -> (StaticFiles, Diagnostics) {
    let mut out = StaticFiles::default();
    let mut diags = Diagnostics::new();
    let dir = root.join(STATIC_DIR);
    if std::fs::symlink_metadata(&dir).is_err() {
        return (out, diags);
    }
    let (Ok(real_dir), Ok(real_root)) = (std::fs::canonicalize(&dir), std::fs::canonicalize(root)) else {
        diags.push(Diagnostic::error(&dir, None, "cannot read the folder (a broken link?)"));
        return (out, diags);
    };
    if !real_dir.starts_with(&real_root) || !real_dir.is_dir() {
        diags.push(
            Diagnostic::error(&dir, None, "`static` must be a folder inside the site folder")
                .with_hint("copy the files into the site's static/ folder instead of linking to them"),
        );
        return (out, diags);
    }
    let walk = WalkDir::new(&real_dir).follow_links(false).sort_by_file_name().into_iter();
    for entry in walk.filter_entry(|e| e.depth() == 0 || !is_skipped(&e.file_name().to_string_lossy())) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map_or_else(|| dir.clone(), |p| shown(&dir, &real_dir, p));
                diags.push(Diagnostic::error(path, None, format!("cannot read: {e}")));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&real_dir) else { continue };
        let Some(key) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(Diagnostic::error(
                dir.join(rel),
                None,
                "the file name is not valid UTF-8; it cannot be part of a URL",
            ));
            continue;
        };
        let path = dir.join(rel);
        match read_one(entry.path(), &real_dir, max_bytes) {
            Ok(bytes) => {
                out.files.insert(key, bytes);
            }
            Err((message, hint)) => {
                let mut d = Diagnostic::error(path, None, message);
                d.hint = hint.map(str::to_owned);
                diags.push(d);
            }
        }
    }
    (out, diags)
}

/// The path as the user knows it (under `root/static`, not its canonical form).
fn shown(dir: &Path, real_dir: &Path, path: &Path) -> std::path::PathBuf {
    path.strip_prefix(real_dir).map_or_else(|_| path.to_path_buf(), |rel| dir.join(rel))
}

/// Files no one means to publish: version control, editors' and systems' leftovers.
fn is_skipped(name: &str) -> bool {
    matches!(name, ".git" | ".DS_Store" | "Thumbs.db" | "desktop.ini")
        || name.ends_with('~')
        || name.starts_with(".#")
        || [".swp", ".swo", ".swx"].iter().any(|s| name.starts_with('.') && name.ends_with(s))
}

type Problem = (String, Option<&'static str>);

/// One file's bytes: a regular file inside `real_dir` (links followed only inside it),
/// at most `max_bytes`.
fn read_one(path: &Path, real_dir: &Path, max_bytes: u64) -> Result<Vec<u8>, Problem> {
    let real = std::fs::canonicalize(path).map_err(|e| (format!("cannot read: {e}"), None))?;
    if !real.starts_with(real_dir) {
        return Err((
            "the file is a link that leads outside static/".into(),
            Some("copy the file into static/ instead of linking to it"),
        ));
    }
    let meta = std::fs::metadata(&real).map_err(|e| (format!("cannot read: {e}"), None))?;
    if meta.is_dir() {
        return Err(("a link to a folder: its files are not published".into(), Some("copy the folder instead")));
    }
    if !meta.is_file() {
        return Err(("not a regular file (a device, a pipe or a socket)".into(), None));
    }
    let too_big = |len: u64| {
        (
            format!(
                "the file is {:.1} MB, over the limit of {} MB for a static file",
                len as f64 / 1_048_576.0,
                max_bytes / 1_048_576
            ),
            Some("publish large files elsewhere, or raise `max_file_mb` under [images] in site.toml"),
        )
    };
    if meta.len() > max_bytes {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(&real).map_err(|e| (format!("cannot read: {e}"), None))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The limit holds while reading too: the file may grow after it was measured.
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(|e| (format!("cannot read: {e}"), None))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_leftovers_but_not_dot_files_meant_for_hosts() {
        for name in [".git", ".DS_Store", "notes.txt~", ".#draft", ".index.html.swp"] {
            assert!(is_skipped(name), "{name}");
        }
        for name in ["CNAME", ".nojekyll", ".well-known", "logo.svg"] {
            assert!(!is_skipped(name), "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn reads_only_regular_files_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("static/brand")).unwrap();
        std::fs::write(root.join("static/CNAME"), "help.example.com\n").unwrap();
        std::fs::write(root.join("static/brand/logo.svg"), "<svg/>").unwrap();
        std::fs::write(root.join("static/big.bin"), vec![0u8; 2048]).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("static/leak.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("static/CNAME"), root.join("static/CNAME2")).unwrap();
        let (files, diags) = read(&root, 1024);
        let names: Vec<&str> = files.files.keys().map(String::as_str).collect();
        assert_eq!(names, ["CNAME", "CNAME2", "brand/logo.svg"]);
        assert_eq!(files.files["CNAME"], b"help.example.com\n");
        let messages: Vec<String> = diags.iter().map(|d| d.headline()).collect();
        let shown = |rel: &str| crate::diagnostics::display_path(&root.join(rel));
        assert_eq!(
            messages,
            [
                format!(
                    "error: {}: the file is 0.0 MB, over the limit of 0 MB for a static file",
                    shown("static/big.bin")
                ),
                format!("error: {}: the file is a link that leads outside static/", shown("static/leak.txt")),
            ]
        );
    }
}

//! Which folders a build may write: only a folder it made (it carries the
//! [`OUTPUT_MARKER`] file), an empty or new one, or with `--force` a folder the user
//! named; never the site, a folder above it, its sources, or a file.

use std::io;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as a stepwise output: a build may replace such a folder's
/// contents. Written into every output, always with the same bytes.
pub(crate) const OUTPUT_MARKER: &str = ".stepwise-output";

pub(super) const MARKER_TEXT: &str = "This folder was written by `stepwise build`.\n\
Each build replaces what is in it: edit the site's content/ instead of these files.\n";

/// Site folders an output must never be in: the sources a build reads (and its cache).
const SOURCE_FOLDERS: &[&str] = &["content", "themes", "templates", "static", ".stepwise-cache", ".git"];

/// Why a build may not write to the output folder it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) message: String,
    pub(crate) hint: String,
}

/// Checks that a build may replace `out_dir` (the site lives in `root`). Refused: an
/// existing file; the site root or a folder above it; anything inside the site's
/// sources; a non-empty folder without the output marker, unless `force`.
pub(crate) fn check_target(root: &Path, out_dir: &Path, force: bool) -> Result<(), Refusal> {
    let refuse = |message: String, hint: &str| Err(Refusal { message, hint: hint.to_string() });
    match std::fs::symlink_metadata(out_dir) {
        Ok(meta) if !meta.is_dir() => match std::fs::metadata(out_dir) {
            Ok(target) if target.is_dir() => {} // a link to a folder: checked as that folder
            Ok(_) => {
                return refuse(
                    "the output is an existing file; a build writes a folder".into(),
                    "name a folder for the output, e.g. `--output public`",
                );
            }
            Err(_) => {
                return refuse("the output is a link to nothing".into(), "remove the link, or name another folder");
            }
        },
        _ => {}
    }
    let Some(out) = resolve(out_dir) else {
        return refuse(
            "the output path goes up (`..`) out of a folder that does not exist".into(),
            "name the output folder without `..`",
        );
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if root.starts_with(&out) {
        let what = if root == out { "is the site folder itself" } else { "holds the site folder" };
        return refuse(
            format!("the output {what}: a build would replace the site's own files"),
            "name a folder inside the site, e.g. `--output public`, or outside it",
        );
    }
    for name in SOURCE_FOLDERS {
        let source = root.join(name);
        let source = std::fs::canonicalize(&source).unwrap_or(source);
        if out.starts_with(&source) {
            return refuse(
                format!("the output is inside the site's `{name}/` folder, which the build reads"),
                "name a folder for the output outside the site's sources, e.g. `--output public`",
            );
        }
    }
    if !force && !is_empty_or_ours(out_dir) {
        return refuse(
            "the output is a folder stepwise did not make, and it is not empty: a build would replace what is in it"
                .into(),
            "name a new or empty folder, or pass `--force` to replace its contents",
        );
    }
    Ok(())
}

/// Whether `dir` is missing, empty, or a stepwise output (it has the marker file).
fn is_empty_or_ours(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none() || dir.join(OUTPUT_MARKER).is_file(),
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

/// `path` made absolute with every link resolved: the existing part canonicalized, the
/// rest appended. `None` if the part that does not exist yet climbs with `..`.
fn resolve(path: &Path) -> Option<PathBuf> {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().ok()?.join(path) };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    Component::Normal(p) => out.push(p),
                    Component::CurDir => {}
                    _ => return None,
                }
            }
            return Some(out);
        }
        rest.push(existing.components().next_back()?);
        existing = existing.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_it_does_not_own() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for d in ["content/a", "themes/x", "templates", "victim", "empty", "public"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("site.toml"), "x").unwrap();
        std::fs::write(root.join("victim/notes.txt"), "mine").unwrap();
        std::fs::write(root.join("public/index.html"), "old").unwrap();
        std::fs::write(root.join("public").join(OUTPUT_MARKER), MARKER_TEXT).unwrap();
        let check = |out: &str, force: bool| check_target(&root, &root.join(out), force).map_err(|r| r.message);
        assert!(check("victim", false).unwrap_err().contains("stepwise did not make"));
        assert!(check("victim", true).is_ok(), "--force allows a folder of someone else's");
        assert!(check("site.toml", true).unwrap_err().contains("is an existing file"));
        assert!(check(".", true).unwrap_err().contains("site folder itself"));
        assert!(check("..", true).unwrap_err().contains("holds the site folder"));
        assert!(check("content", true).unwrap_err().contains("inside the site's `content/`"));
        assert!(check("content/a/out", true).unwrap_err().contains("`content/`"));
        assert!(check("themes", true).unwrap_err().contains("`themes/`"));
        assert!(check("templates/new", true).unwrap_err().contains("`templates/`"));
        assert!(check("nope/../content", true).is_err());
        assert!(check("empty", false).is_ok());
        assert!(check("new/deeper", false).is_ok());
        assert!(check("public", false).is_ok(), "a stepwise output");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("content"), root.join("link")).unwrap();
            assert!(check("link/out", true).unwrap_err().contains("`content/`"), "links are followed");
        }
    }
}

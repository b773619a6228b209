//! The files an edit may touch, found and confined: a tutorial's YAML file from its id,
//! the screenshots beside it, `i18n.lock`; their hashes; atomic writes; new screenshot
//! files that never replace another file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;

use super::Refusal;
use crate::load::{CONTENT_DIR, LOCK_FILE};
use crate::model::TutorialId;

/// A tutorial's YAML file.
pub(super) struct TutorialFile {
    pub(super) id: TutorialId,
    /// The path as `check` names it in messages (`content/help/first.yaml` under the root).
    pub(super) shown: PathBuf,
    /// Where it really is (symbolic links resolved): what is written.
    pub(super) real: PathBuf,
}

/// The hash every write carries back: BLAKE3 of the file's bytes, in hex.
pub(super) fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Whether `id` can name a tutorial file: `/`-separated names, none empty, `.`, `..`,
/// hidden or reserved (`_`), no backslash, colon or control character.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 1024
        && id.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && !seg.starts_with('_')
                && !seg.chars().any(|c| c.is_control() || matches!(c, '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        })
}

fn content_real(root: &Path) -> Result<PathBuf, Refusal> {
    std::fs::canonicalize(root.join(CONTENT_DIR)).map_err(|e| io_refusal(&root.join(CONTENT_DIR), &e))
}

/// The YAML file of the tutorial `id`, confined to `content/`.
pub(super) fn tutorial(root: &Path, id: &str) -> Result<TutorialFile, Refusal> {
    if !valid_id(id) {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "bad_path",
            format!("`{id}` is not a tutorial id: an id is a YAML file's path under content/, without `.yaml`"),
        ));
    }
    let shown = root.join(CONTENT_DIR).join(format!("{id}.yaml"));
    let missing = || Refusal::new(StatusCode::NOT_FOUND, "not_found", format!("there is no tutorial `{id}`"));
    if std::fs::symlink_metadata(&shown).is_err() {
        return Err(missing());
    }
    let real = inside(&shown, &content_real(root)?, "content/")?;
    if !std::fs::metadata(&real).is_ok_and(|m| m.is_file()) {
        return Err(missing());
    }
    Ok(TutorialFile { id: TutorialId::new(id), shown, real })
}

/// `path` with its links resolved, if it stays inside `dir` (canonical).
fn inside(path: &Path, dir: &Path, what: &str) -> Result<PathBuf, Refusal> {
    let real = std::fs::canonicalize(path).map_err(|e| io_refusal(path, &e))?;
    if real.starts_with(dir) {
        Ok(real)
    } else {
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "outside",
            format!(
                "{} is a link leading out of {what}; it is not edited from the browser",
                crate::diagnostics::display_path(path)
            ),
        ))
    }
}

/// `i18n.lock`, where it is (or will be): beside `site.toml`, confined to the site.
pub(super) fn lock_file(root: &Path) -> Result<PathBuf, Refusal> {
    let path = root.join(LOCK_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(path);
    }
    let site = std::fs::canonicalize(root).map_err(|e| io_refusal(root, &e))?;
    inside(&path, &site, "the site")
}

/// A screenshot named by a path relative to the tutorial's YAML file: its key under
/// `content/` (as the decoder resolves it), checked to exist inside `content/`.
pub(super) fn image(root: &Path, file: &TutorialFile, written: &str) -> Result<(String, PathBuf), Refusal> {
    let dir = file.id.category().to_string();
    let bad = || {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "bad_path",
            format!("`{written}` does not name a file inside content/ (paths are relative to the YAML file)"),
        )
    };
    let key = crate::model::ids::resolve_relative(&dir, written).ok_or_else(bad)?;
    if key.split('/').any(|s| s.starts_with('.')) {
        return Err(bad());
    }
    let path = root.join(CONTENT_DIR).join(&key);
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(Refusal::new(StatusCode::NOT_FOUND, "not_found", format!("there is no image `{written}`")));
    }
    let real = inside(&path, &content_real(root)?, "content/")?;
    Ok((key, real))
}

/// Reads a file and its hash.
pub(super) fn read(path: &Path) -> Result<(Vec<u8>, String), Refusal> {
    let bytes = std::fs::read(path).map_err(|e| io_refusal(path, &e))?;
    let h = hash(&bytes);
    Ok((bytes, h))
}

pub(super) fn io_refusal(path: &Path, e: &std::io::Error) -> Refusal {
    Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "io", format!("{}: {e}", crate::diagnostics::display_path(path)))
}

/// Replaces `path` (a file that exists) with `bytes`: written to a temporary file in the
/// same folder with the file's permissions, then renamed over it, so a reader (the
/// watcher, an editor) sees the old file or the new one, never half of one.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    // Hidden and ending in `.tmp`: the watcher and the loader pass it by.
    let (tmp, mut file) = (0..100)
        .find_map(|i| {
            let tmp = dir.join(format!(".{name}.{}-{i}.tmp", std::process::id()));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(f) => Some(Ok((tmp, f))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                Err(e) => Some(Err(e)),
            }
        })
        .unwrap_or_else(|| Err(std::io::Error::other("no free temporary file name")))?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| permissions.map_or(Ok(()), |p| std::fs::set_permissions(&tmp, p)))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A new file in `dir` named `{stem}.{ext}`, or `{stem}-2.{ext}`... when that is taken:
/// never over an existing file. Returns its name.
pub(super) fn create_new(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> std::io::Result<String> {
    for n in 1..1000 {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem}-{n}.{ext}") };
        let path = dir.join(&name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                let written = f.write_all(bytes).and_then(|()| f.sync_all());
                return match written {
                    Ok(()) => Ok(name),
                    Err(e) => {
                        let _ = std::fs::remove_file(&path);
                        Err(e)
                    }
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!("no free name for {stem}.{ext} in {}", dir.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_files_under_content_only() {
        for ok in ["help/first", "a", "cross-border-ec/amazon/forgot-password", "帮助/第一"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in [
            "",
            "../site",
            "help/../../x",
            "/etc/passwd",
            "help//first",
            "help/./first",
            ".git/config",
            "help/.hidden",
            "_assets/x",
            "help/_category",
            "help\\first",
            "C:/x",
            "a\0b",
            "help/first/",
        ] {
            assert!(!valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn writes_replace_whole_and_keep_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomically(&file, b"new\r\n").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    }

    #[test]
    fn new_files_never_replace_old_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("step-03.png"), "mine").unwrap();
        assert_eq!(create_new(dir.path(), "step-03", "png", b"x").unwrap(), "step-03-2.png");
        assert_eq!(create_new(dir.path(), "step-03", "png", b"y").unwrap(), "step-03-3.png");
        assert_eq!(std::fs::read(dir.path().join("step-03.png")).unwrap(), b"mine");
        assert_eq!(create_new(dir.path(), "step-04", "jpg", b"z").unwrap(), "step-04.jpg");
    }
}

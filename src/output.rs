//! Stage 4: write the site so that a failed build never touches the previous one.
//!
//! Everything is written into a staging folder beside the output folder (same
//! filesystem, so renames are cheap), then swapped in with two renames. The old site is
//! moved aside before it is deleted, so readers of the output folder only ever see a
//! complete site.

use std::io;
use std::path::{Path, PathBuf};

/// Writes a site through `fill` into a staging folder, then swaps it in for `out_dir`.
/// If `fill` fails, the staging folder is removed and `out_dir` is left as it was.
pub fn write_atomically<T, E>(out_dir: &Path, fill: impl FnOnce(&Path) -> Result<T, E>) -> Result<T, OutputError<E>> {
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out_dir.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
    std::fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent.clone(), e))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| OutputError::Io(staging.clone(), e))?;

    let value = match fill(&staging) {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(OutputError::Fill(e));
        }
    };

    let had_old = out_dir.exists();
    if had_old && let Err(e) = std::fs::rename(out_dir, &old) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(OutputError::Io(out_dir.to_path_buf(), e));
    }
    if let Err(e) = std::fs::rename(&staging, out_dir) {
        // Put the old site back before reporting.
        if had_old {
            let _ = std::fs::rename(&old, out_dir);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(OutputError::Io(out_dir.to_path_buf(), e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(value)
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError<E> {
    #[error("{path}: {source}", path = .0.display(), source = .1)]
    Io(PathBuf, io::Error),
    #[error("{0}")]
    Fill(E),
}

/// Writes `bytes` to `dir/rel`, creating folders as needed.
pub fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomically::<_, ()>(&out, |d| write_file(d, "a.html", b"one").map_err(|_| ())).unwrap();
        let r = write_atomically(&out, |d| {
            write_file(d, "a.html", b"two").unwrap();
            Err::<(), _>("boom")
        });
        assert!(matches!(r, Err(OutputError::Fill("boom"))));
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "one");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folder left behind");
    }

    #[test]
    fn success_replaces_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomically::<_, ()>(&out, |d| write_file(d, "old.html", b"x").map_err(|_| ())).unwrap();
        write_atomically::<_, ()>(&out, |d| write_file(d, "new.html", b"y").map_err(|_| ())).unwrap();
        assert!(out.join("new.html").exists());
        assert!(!out.join("old.html").exists());
    }
}

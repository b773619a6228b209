//! Stage 4: write the site so that a failed build never touches the previous one.
//!
//! Everything is written into a staging folder beside the output folder (same
//! filesystem, so renames are cheap), then swapped in with two renames: readers of the
//! output folder only ever see a complete site.
//!
//! Nothing is deleted on the way. The site a build replaces is kept, hidden, as
//! `.{name}.prev/` beside the output, and the next build *recycles* it as its staging
//! folder: it rewrites the files in place and removes only the ones the new site no
//! longer has. Deleting 20,000 files and then creating 20,000 new ones costs many times
//! more than rewriting them (each new file needs a fresh inode; on ext4 freshly freed
//! inodes are skipped for a minute or more, so creation right after a mass delete is
//! slower still). The price is a second copy of the output on disk; delete
//! `.{name}.prev/` at will, the next build then starts from an empty folder. A staging
//! folder left by a killed build is recycled by the next one, and is never the output
//! folder: a lock file (`.{name}.lock`) tells a running build's folder from a dead one's.
//!
//! A build only ever replaces a folder it made (it carries the [`OUTPUT_MARKER`] file),
//! an empty one, or with `--force` a folder the user named; never the site, a folder
//! above it, its sources, or a file: see [`check_target`].

use std::collections::HashMap;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The folder a build writes into before it becomes the output folder.
pub(crate) struct Staging {
    dir: PathBuf,
    /// Output-relative path -> size, of the recycled folder's files not yet rewritten
    /// by this build. What is left at the end is stale.
    stale: Mutex<HashMap<String, u64>>,
}

impl Staging {
    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to `rel` (output-relative, `/`-separated), creating folders as
    /// needed. A file kept from the recycled folder is rewritten in place.
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let key = normalize(rel);
        let path = self.dir.join(&key);
        let old_len = self.take_stale(&key);
        if let Some(old_len) = old_len {
            // No new inode, and no blocks freed and allocated again unless it shrinks.
            let mut f = std::fs::OpenOptions::new().write(true).open(&path)?;
            f.write_all(bytes)?;
            if old_len > bytes.len() as u64 {
                f.set_len(bytes.len() as u64)?;
            }
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// Copies `from` to `rel`, for files whose name changes with their content (hashed
    /// screenshot names): one the recycled folder already has at the same size is kept.
    pub(crate) fn copy_content_named(&self, from: &Path, rel: &str) -> io::Result<()> {
        let key = normalize(rel);
        let path = self.dir.join(&key);
        if let Some(old_len) = self.take_stale(&key) {
            if std::fs::metadata(from)?.len() == old_len {
                return Ok(());
            }
            std::fs::remove_file(&path)?;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, &path).map(|_| ())
    }

    fn take_stale(&self, key: &str) -> Option<u64> {
        let mut stale = self.stale.lock().unwrap_or_else(|e| e.into_inner());
        if stale.is_empty() { None } else { stale.remove(key) }
    }

    /// Removes the recycled files this build did not write, and the folders that leaves
    /// empty.
    fn sweep(&self) -> io::Result<()> {
        let stale = std::mem::take(&mut *self.stale.lock().unwrap_or_else(|e| e.into_inner()));
        for rel in stale.keys() {
            let path = self.dir.join(rel);
            std::fs::remove_file(&path)?;
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.dir) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        Ok(())
    }
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

/// Writes a site through `fill` into a staging folder, then swaps it in for `out_dir`.
/// If `fill` fails, `out_dir` is left as it was. The caller has checked with
/// [`check_target`] that the folder may be replaced.
///
/// A lock file beside the output (`.{name}.lock`) says which build owns the staging
/// folder: a second build into the same folder is refused while the first runs, and a
/// staging folder found while holding the lock was left by a killed build and is reused.
pub(crate) fn write_atomically<T, E>(
    out_dir: &Path,
    fill: impl FnOnce(&Staging) -> Result<T, E>,
) -> Result<T, OutputError<E>> {
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
    let dir = parent.join(format!(".{name}.staging"));
    let prev = parent.join(format!(".{name}.prev"));

    // What a killed build left, or else the previous site, becomes the staging folder.
    let mut recycled = dir.is_dir() || std::fs::rename(&prev, &dir).is_ok();
    let stale = if recycled {
        survey(&dir).unwrap_or_else(|_| {
            let _ = std::fs::remove_dir_all(&dir);
            HashMap::new()
        })
    } else {
        HashMap::new()
    };
    recycled = recycled && dir.is_dir();
    if !recycled {
        std::fs::create_dir_all(&dir).map_err(|e| OutputError::Io(dir.clone(), e))?;
    }
    let staging = Staging { dir, stale: Mutex::new(stale) };

    let filled =
        staging.write(OUTPUT_MARKER, MARKER_TEXT.as_bytes()).map_err(|e| OutputError::Io(staging.dir.clone(), e));
    let value = match filled.and_then(|()| fill(&staging).map_err(OutputError::Fill)) {
        Ok(v) => v,
        Err(e) => {
            // Kept for the next build if it was the previous site; nothing else stays.
            if !(recycled && std::fs::rename(&staging.dir, &prev).is_ok()) {
                let _ = std::fs::remove_dir_all(&staging.dir);
            }
            return Err(e);
        }
    };
    let dir = staging.dir.clone();
    if let Err(e) = staging.sweep() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(OutputError::Io(dir, e));
    }

    let had_old = out_dir.exists();
    if had_old && let Err(e) = move_aside(out_dir, &prev, &parent, &name) {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(OutputError::Io(out_dir.to_path_buf(), e));
    }
    if let Err(e) = std::fs::rename(&dir, out_dir) {
        // Put the old site back before reporting.
        if had_old {
            let _ = std::fs::rename(&prev, out_dir);
        }
        let _ = std::fs::remove_dir_all(&dir);
        return Err(OutputError::Io(out_dir.to_path_buf(), e));
    }
    drop(lock);
    Ok(value)
}

/// Renames the current output to `.{name}.prev`. One left there (the build that would
/// have recycled it failed to) is removed first.
fn move_aside(out_dir: &Path, prev: &Path, parent: &Path, name: &str) -> io::Result<()> {
    match std::fs::rename(out_dir, prev) {
        Ok(()) => Ok(()),
        Err(_) if prev.exists() => {
            let trash = parent.join(format!(".{name}.trash"));
            let _ = std::fs::remove_dir_all(&trash);
            std::fs::rename(prev, &trash)?;
            let _ = std::fs::remove_dir_all(&trash);
            std::fs::rename(out_dir, prev)
        }
        Err(e) => Err(e),
    }
}

/// The file that marks a folder as a stepwise output: a build may replace such a folder's
/// contents. Written into every output, always with the same bytes.
pub(crate) const OUTPUT_MARKER: &str = ".stepwise-output";

const MARKER_TEXT: &str = "This folder was written by `stepwise build`.\n\
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

/// The files of a recycled folder, by output-relative path, with their sizes. Anything
/// that is not a plain file with a single link (a symlink, a hard link into somewhere
/// else) is removed first, so rewriting in place can only touch this folder's own files.
fn survey(dir: &Path) -> io::Result<HashMap<String, u64>> {
    let mut files = HashMap::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_file() {
            let meta = entry.metadata().map_err(io::Error::other)?;
            if single_link(&meta) {
                let rel = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
                let key: Vec<&str> = rel.components().filter_map(|c| c.as_os_str().to_str()).collect();
                files.insert(key.join("/"), meta.len());
                continue;
            }
        }
        std::fs::remove_file(entry.path())?;
    }
    Ok(files)
}

#[cfg(unix)]
fn single_link(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 1
}

/// Link counts are not known here: never rewrite in place.
#[cfg(not(unix))]
fn single_link(_: &std::fs::Metadata) -> bool {
    false
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError<E> {
    #[error("{path}: {source}", path = .0.display(), source = .1)]
    Io(PathBuf, io::Error),
    #[error("{0}")]
    Fill(E),
    /// Another build holds the output folder's lock.
    #[error("{}: another stepwise build is writing this folder right now", .0.display())]
    Busy(PathBuf),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn failure_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomically::<_, ()>(&out, |s| s.write("a.html", b"one").map_err(|_| ())).unwrap();
        let r = write_atomically(&out, |s| {
            s.write("a.html", b"two").unwrap();
            Err::<(), _>("boom")
        });
        assert!(matches!(r, Err(OutputError::Fill("boom"))));
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "one");
        assert_eq!(names(dir.path()), [".public.lock", "public"], "no staging folder left behind");
    }

    #[test]
    fn success_replaces_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomically::<_, ()>(&out, |s| s.write("old.html", b"x").map_err(|_| ())).unwrap();
        write_atomically::<_, ()>(&out, |s| s.write("new.html", b"y").map_err(|_| ())).unwrap();
        assert!(out.join("new.html").exists());
        assert!(!out.join("old.html").exists());
    }

    #[test]
    fn a_recycled_folder_ends_up_exactly_the_new_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let site = |files: &'static [(&'static str, &'static str)]| {
            write_atomically::<_, ()>(&out, |s| {
                files.iter().try_for_each(|(p, t)| s.write(p, t.as_bytes())).map_err(|_| ())
            })
            .unwrap()
        };
        site(&[("a/index.html", "first a, long"), ("gone/deep/index.html", "x"), ("b.html", "b")]);
        site(&[("a/index.html", "second")]);
        assert_eq!(names(dir.path()), [".public.lock", ".public.prev", "public"]);
        // Recycles the first site's folder: shorter, longer, new and stale files.
        site(&[("a/index.html", "third"), ("b.html", "a longer b than before"), ("c/./index.html", "c")]);
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/");
                (rel, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        let want = [
            (OUTPUT_MARKER, MARKER_TEXT),
            ("a/index.html", "third"),
            ("b.html", "a longer b than before"),
            ("c/index.html", "c"),
        ];
        assert_eq!(files, want.map(|(a, b)| (a.to_string(), b.to_string())));
        assert!(!out.join("gone").exists(), "folders left empty are removed");
        assert_eq!(std::fs::read_to_string(dir.path().join(".public.prev/a/index.html")).unwrap(), "second");
    }

    #[cfg(unix)]
    #[test]
    fn recycling_never_writes_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        let write = |text: &'static str| {
            write_atomically::<_, ()>(&out, |s| {
                s.write("a.html", text.as_bytes()).and_then(|_| s.write("b.html", text.as_bytes())).map_err(|_| ())
            })
            .unwrap()
        };
        write("1");
        write("2");
        // Someone links files of the kept folder to a file outside it.
        let prev = dir.path().join(".public.prev");
        std::fs::remove_file(prev.join("a.html")).unwrap();
        std::os::unix::fs::symlink(&outside, prev.join("a.html")).unwrap();
        std::fs::remove_file(prev.join("b.html")).unwrap();
        std::fs::hard_link(&outside, prev.join("b.html")).unwrap();
        write("3");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "3");
        assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "3");
    }

    #[test]
    fn a_killed_builds_folder_is_reused_and_never_served() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A build that was killed left its staging folder (and its unlocked lock file).
        let dead = dir.path().join(".public.staging");
        std::fs::create_dir_all(dead.join("zh")).unwrap();
        std::fs::write(dead.join("zh/half-written.html"), "<h").unwrap();
        std::fs::write(dir.path().join(".public.lock"), "").unwrap();
        write_atomically::<_, ()>(&out, |s| s.write("index.html", b"ok").map_err(|_| ())).unwrap();
        assert_eq!(names(dir.path()), [".public.lock", "public"]);
        assert_eq!(names(&out), [OUTPUT_MARKER, "index.html"]);
    }

    #[test]
    fn a_running_build_keeps_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let lock = std::fs::File::create(dir.path().join(".public.lock")).unwrap();
        lock.lock().unwrap();
        let r = write_atomically::<_, ()>(&out, |s| s.write("index.html", b"ok").map_err(|_| ()));
        assert!(matches!(r, Err(OutputError::Busy(_))), "{r:?}");
        assert!(!out.exists());
        lock.unlock().unwrap();
        write_atomically::<_, ()>(&out, |s| s.write("index.html", b"ok").map_err(|_| ())).unwrap();
    }

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

//! Watching the site folder: notify events -> debounced bursts -> one [`Scope`] each.
//!
//! Editors save by writing a temporary file and renaming it, keep swap files beside the
//! one being edited, and `git checkout` writes hundreds of files at once: every burst of
//! events becomes one rebuild, once the folder has been quiet for [`QUIET`] (or after
//! [`MAX_WAIT`] of continuous events). The classification is pure and unit-tested.
//! A burst names the paths it touched, so the build can re-read just those files.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::build::Scope;

/// A burst is over once no event came for this long. An editor's save (write a temporary
/// file, rename it over the old one) comes as events well under a millisecond apart.
pub const QUIET: Duration = Duration::from_millis(10);
/// A burst touching more paths than this (a checkout) is not listed: everything is read.
const MAX_PATHS: usize = 256;
/// A burst that never ends (a long checkout) is cut into rebuilds this long.
pub(crate) const MAX_WAIT: Duration = Duration::from_millis(500);

/// The folders (and file) of a site that a build reads.
pub(crate) const WATCHED: &[&str] = &["content", "themes", "templates", "static", "site.toml", "i18n.lock"];

/// Which rebuild a changed path asks for, if any. `rel` is relative to the site root.
pub(crate) fn classify(rel: &Path) -> Option<Scope> {
    let mut parts = rel.components().filter_map(|c| match c {
        Component::Normal(s) => s.to_str(),
        _ => None,
    });
    let first = parts.next()?;
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if is_litter(name) {
        return None;
    }
    match first {
        // The translation records mark texts outdated: a content change like any other.
        "content" | "i18n.lock" => Some(Scope::Content),
        "site.toml" | "themes" | "templates" | "static" => Some(Scope::Everything),
        _ => None,
    }
}

/// Editor swap, backup and temporary files, which come and go while a file is edited.
pub(crate) fn is_litter(name: &str) -> bool {
    name.is_empty()
        || name == "4913" // vim's probe for a writable folder
        || name.starts_with(".#") // emacs lock files
        || name.starts_with(".goutputstream") // gedit
        || name.ends_with('~')
        || [".swp", ".swo", ".swx", ".tmp", ".temp", ".bak", ".crswap", ".part"].iter().any(|e| name.ends_with(e))
        || (name.starts_with('#') && name.ends_with('#'))
        || name == ".DS_Store"
}

/// One burst of changes: the widest scope it asked for, and the paths it touched
/// (absolute), unless they are too many or unknown (the watcher lost events).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Burst {
    pub(crate) scope: Scope,
    pub(crate) paths: Option<Vec<PathBuf>>,
}

/// Watches the site; the receiver gets the raw notify events.
pub(crate) struct SiteWatcher {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watching: Vec<PathBuf>,
}

impl SiteWatcher {
    pub(crate) fn new(root: &Path) -> notify::Result<SiteWatcher> {
        // Events arrive with absolute paths; a relative root (`.`, the usual case) would
        // never prefix them.
        let root = &std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let (tx, events) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        // The root itself, not recursively: `public/`, `.stepwise-cache/` and whatever
        // else lives there (a `target/` folder...) must not flood the watcher.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = SiteWatcher { root: root.to_path_buf(), watcher, events, watching: Vec::new() };
        w.watch_folders();
        Ok(w)
    }

    /// Starts watching the site's folders that exist and are not watched yet (one may
    /// be created while serving).
    fn watch_folders(&mut self) {
        for name in &WATCHED[..4] {
            let dir = self.root.join(name);
            if dir.is_dir()
                && !self.watching.contains(&dir)
                && self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watching.push(dir);
            }
        }
    }

    /// Blocks until a burst of relevant changes is over; returns it, or an error message
    /// from the watcher.
    pub(crate) fn next_burst(&mut self) -> Result<Burst, String> {
        loop {
            let first = self.events.recv().map_err(|_| "the file watcher stopped".to_string())?;
            let mut paths = Some(Vec::new());
            let mut scope = self.scope_of(first, &mut paths)?;
            let start = Instant::now();
            loop {
                let left = MAX_WAIT.saturating_sub(start.elapsed());
                if left.is_zero() {
                    break;
                }
                match self.events.recv_timeout(QUIET.min(left)) {
                    Ok(e) => scope = scope.max(self.scope_of(e, &mut paths)?),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return Err("the file watcher stopped".into()),
                }
            }
            if let Some(scope) = scope {
                return Ok(Burst { scope, paths });
            }
        }
    }

    /// The scope an event asks for; the paths that ask for one are added to `paths`
    /// (which becomes `None` when they cannot be listed).
    fn scope_of(
        &mut self,
        event: notify::Result<notify::Event>,
        paths: &mut Option<Vec<PathBuf>>,
    ) -> Result<Option<Scope>, String> {
        // A watcher error (an overflowing event queue...) may hide changes: build it all.
        let Ok(event) = event else {
            *paths = None;
            return Ok(Some(Scope::Everything));
        };
        if event.need_rescan() {
            *paths = None;
            return Ok(Some(Scope::Everything));
        }
        if matches!(event.kind, EventKind::Access(_)) {
            return Ok(None);
        }
        let mut scope = None;
        for path in &event.paths {
            let Ok(rel) = path.strip_prefix(&self.root) else { continue };
            if rel.components().count() == 1 && WATCHED[..4].iter().any(|w| rel == Path::new(w)) {
                self.watch_folders();
            }
            let s = classify(rel);
            if s.is_some()
                && let Some(list) = paths
                && !list.contains(path)
            {
                list.push(path.clone());
                if list.len() > MAX_PATHS {
                    *paths = None;
                }
            }
            scope = scope.max(s);
        }
        Ok(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_edits_are_content_and_theme_edits_are_everything() {
        assert_eq!(classify(Path::new("content/help/first.yaml")), Some(Scope::Content));
        assert_eq!(classify(Path::new("content/help/first/shot.png")), Some(Scope::Content));
        assert_eq!(classify(Path::new("i18n.lock")), Some(Scope::Content), "confirmations change badges");
        assert_eq!(classify(Path::new("i18n.lock.tmp")), None, "the confirm step's temporary file");
        assert_eq!(classify(Path::new("site.toml")), Some(Scope::Everything));
        assert_eq!(classify(Path::new("themes/default/templates/base.html")), Some(Scope::Everything));
        assert_eq!(classify(Path::new("templates/tutorial.html")), Some(Scope::Everything));
        assert_eq!(classify(Path::new("static/logo.svg")), Some(Scope::Everything));
    }

    #[test]
    fn output_cache_and_editor_litter_are_ignored() {
        for p in [
            "public/zh/index.html",
            ".stepwise-cache/img/a.png",
            "content/help/.first.yaml.swp",
            "content/help/first.yaml~",
            "content/help/.#first.yaml",
            "content/help/4913",
            "content/help/first.yaml.tmp",
            "content/help/#first.yaml#",
            "README.md",
            "target/debug/stepwise",
        ] {
            assert_eq!(classify(Path::new(p)), None, "{p}");
        }
    }

    #[test]
    fn ordering_makes_everything_win() {
        assert!(Scope::Everything > Scope::Content);
        assert_eq!(Some(Scope::Content).max(None), Some(Scope::Content));
    }
}

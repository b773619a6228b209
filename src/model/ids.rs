//! The names things are known by: a tutorial's id, a category's path, a document with
//! translatable texts. Each is its path under `content/`, `/`-separated, so it is also
//! its URL below `/{lang}/`.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
        #[serde(transparent)]
        pub(crate) struct $name(String);

        impl $name {
            pub(crate) fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_id!(
    /// `cross-border-ec/amazon/forgot-password`: the tutorial file's path under
    /// `content/`, without `.yaml`.
    TutorialId
);

string_id!(
    /// `cross-border-ec/amazon`: a category folder's path under `content/`; the empty
    /// path is the top of the content folder (the site's index).
    CategoryPath
);

impl TutorialId {
    /// `path` is `/`-separated, relative to `content/`, without the extension.
    pub(crate) fn new(path: impl Into<String>) -> TutorialId {
        TutorialId(path.into())
    }

    /// The category the tutorial's file is in.
    pub(crate) fn category(&self) -> CategoryPath {
        CategoryPath(self.0.rsplit_once('/').map_or("", |(dir, _)| dir).to_string())
    }
}

impl CategoryPath {
    /// `path` is `/`-separated, relative to `content/` (`""` for the top).
    pub(crate) fn new(path: impl Into<String>) -> CategoryPath {
        CategoryPath(path.into())
    }

    /// The top of the content folder: every category's last ancestor.
    pub(crate) fn top() -> CategoryPath {
        CategoryPath(String::new())
    }

    pub(crate) fn is_top(&self) -> bool {
        self.0.is_empty()
    }

    /// The folder holding this one; the top has none.
    pub(crate) fn parent(&self) -> Option<CategoryPath> {
        (!self.is_top()).then(|| CategoryPath(self.0.rsplit_once('/').map_or("", |(p, _)| p).to_string()))
    }

    /// This category, then its parent, up to the top-level category (the top itself is
    /// not included): `a/b/c`, `a/b`, `a`.
    pub(crate) fn ancestors(&self) -> impl Iterator<Item = &str> {
        let mut next = (!self.is_top()).then_some(self.0.as_str());
        std::iter::from_fn(move || {
            let cur = next?;
            next = cur.rsplit_once('/').map(|(p, _)| p);
            Some(cur)
        })
    }

    /// The folder's own name: the last part of the path.
    pub(crate) fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// Whether `self` is `other` or lies below it.
    pub(crate) fn is_within(&self, other: &str) -> bool {
        other.is_empty()
            || self.0 == other
            || (self.0.len() > other.len() && self.0.starts_with(other) && self.0.as_bytes()[other.len()] == b'/')
    }
}

/// A file whose texts are translated, as the translation records name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum DocId {
    Tutorial(TutorialId),
    /// A category's `_category.yaml`.
    Category(CategoryPath),
    /// `content/_authors.yaml`.
    Authors,
}

impl DocId {
    const AUTHORS: &'static str = "_authors";
    const CATEGORY: &'static str = "_category";

    /// Reads the name [`fmt::Display`] writes: a tutorial id, `{path}/_category` or
    /// `_authors`. Names of files that no longer exist read all the same.
    pub(crate) fn parse(s: &str) -> DocId {
        if s == Self::AUTHORS {
            DocId::Authors
        } else if s == Self::CATEGORY {
            DocId::Category(CategoryPath::top())
        } else if let Some(path) = s.strip_suffix("/_category") {
            DocId::Category(CategoryPath::new(path))
        } else {
            DocId::Tutorial(TutorialId::new(s))
        }
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocId::Tutorial(id) => f.write_str(id),
            DocId::Category(p) if p.is_top() => f.write_str(Self::CATEGORY),
            DocId::Category(p) => write!(f, "{p}/{}", Self::CATEGORY),
            DocId::Authors => f.write_str(Self::AUTHORS),
        }
    }
}

/// Joins `written` to the YAML file's folder (both content-relative) without touching the
/// disk. `None` if `..` climbs out of `content/` or the path is absolute.
pub(crate) fn resolve_relative(dir: &str, written: &str) -> Option<String> {
    if written.starts_with('/') || written.starts_with('\\') || written.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in written.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths_inside_content_only() {
        assert_eq!(resolve_relative("a/b", "c/step-01.png").as_deref(), Some("a/b/c/step-01.png"));
        assert_eq!(resolve_relative("a/b", "../../_shots/x.png").as_deref(), Some("_shots/x.png"));
        assert_eq!(resolve_relative("a/b", "../../../etc/passwd"), None);
        assert_eq!(resolve_relative("a", "/etc/passwd"), None);
        assert_eq!(resolve_relative("a", "C:\\x.png"), None);
    }

    #[test]
    fn categories_know_their_ancestors() {
        let p = CategoryPath::new("a/b/c");
        assert_eq!(p.ancestors().collect::<Vec<_>>(), ["a/b/c", "a/b", "a"]);
        assert_eq!(p.parent(), Some(CategoryPath::new("a/b")));
        assert_eq!(CategoryPath::new("a").parent(), Some(CategoryPath::top()));
        assert_eq!(CategoryPath::top().parent(), None);
        assert_eq!(CategoryPath::top().ancestors().count(), 0);
        assert_eq!(p.name(), "c");
        assert!(
            p.is_within("a/b")
                && p.is_within("")
                && !p.is_within("a/bc")
                && !CategoryPath::new("a/bc").is_within("a/b")
        );
    }

    #[test]
    fn tutorials_know_their_category() {
        let id = TutorialId::new("a/b/forgot");
        assert_eq!(id.category(), CategoryPath::new("a/b"));
        assert_eq!(TutorialId::new("top").category(), CategoryPath::top());
    }

    #[test]
    fn document_names_round_trip() {
        for name in ["a/b/forgot", "a/b/_category", "_category", "_authors"] {
            assert_eq!(DocId::parse(name).to_string(), name);
        }
        assert_eq!(DocId::parse("a/_category"), DocId::Category(CategoryPath::new("a")));
    }
}

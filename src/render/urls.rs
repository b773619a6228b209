//! Where each page lives, and links between pages.
//!
//! Every link in a page is relative (`../../zh/tags/amazon/`), so the output works from
//! the site root, under `base_url`'s path, and opened from disk. Only canonical and
//! hreflang links, feeds and the sitemap are absolute. URLs always use `/`.

/// A page's folder under the output root, ending in `/` (`""` for the root page).
pub(crate) fn tutorial_dir(lang: &str, id: &str) -> String {
    format!("{lang}/{id}/")
}

/// The side-by-side view of a tutorial: a file beside the tutorial's page, not a folder
/// of its own (a folder costs the disk more than a file: a third of a build's writing).
pub(crate) fn compare_path(lang: &str, id: &str) -> String {
    format!("{lang}/{id}/side-by-side.html")
}

pub(crate) fn category_dir(lang: &str, path: &str) -> String {
    if path.is_empty() { format!("{lang}/") } else { format!("{lang}/{path}/") }
}

pub(crate) fn index_dir(lang: &str) -> String {
    format!("{lang}/")
}

pub(crate) fn tags_dir(lang: &str) -> String {
    format!("{lang}/tags/")
}

pub(crate) fn tag_dir(lang: &str, tag: &str) -> String {
    format!("{lang}/tags/{tag}/")
}

pub(crate) fn search_dir(lang: &str) -> String {
    format!("{lang}/search/")
}

/// The relative prefix from a page folder back to the output root: `zh/a/` -> `../../`.
pub(crate) fn root_prefix(dir: &str) -> String {
    "../".repeat(dir.matches('/').count())
}

/// A link from the page in `from_dir` to the site path `to` (both output-relative),
/// percent-encoded for non-ASCII segments such as Chinese tag names.
pub(crate) fn link(from_dir: &str, to: &str) -> String {
    link_up(&root_prefix(from_dir), to)
}

/// [`link`] from a page whose way up to the site root (`up`, [`root_prefix`]) is made.
pub(crate) fn link_up(up: &str, to: &str) -> String {
    let mut out = up.to_string();
    out.push_str(&encode_path(to));
    if out.is_empty() { "./".into() } else { out }
}

/// Percent-encodes everything but unreserved characters and `/`.
pub(crate) fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative() {
        assert_eq!(link("zh/a/b/", "zh/tags/x/"), "../../../zh/tags/x/");
        assert_eq!(link("", "zh/"), "zh/");
        assert_eq!(link("zh/", "style.css"), "../style.css");
        assert_eq!(link("zh/", "zh/tags/密码/"), "../zh/tags/%E5%AF%86%E7%A0%81/");
    }
}

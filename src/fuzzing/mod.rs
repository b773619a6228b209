//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz, nightly), and the stable
//! mutation test that runs in `cargo test` (`mutations`).
//!
//! Each entry point takes arbitrary input down the path the real verbs take and panics
//! when an invariant breaks, which is what a fuzzer reports: a tutorial file's bytes go
//! through reading, YAML parsing, decoding and the whole-content checks exactly as
//! `check` runs them ([`tutorial_file`]); a text goes through the inline Markdown
//! renderer, whose HTML must stay balanced and escaped ([`inline_markdown`]).

#[cfg(test)]
mod mutations;

#[cfg(test)]
pub(crate) use mutations::Rng;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::config::SiteConfig;
use crate::load::{self, RawContent, SourceFile};
use crate::markdown;
use crate::model;

/// The configuration the fuzzed tutorials are decoded with: two languages, like the
/// example site.
fn config() -> &'static SiteConfig {
    static CONFIG: OnceLock<SiteConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let text = "base_url = \"https://help.example.com\"\nlanguages = [\"zh\", \"en\"]\n\
                    [title]\nzh = \"帮助\"\nen = \"Help\"\n";
        match crate::config::parse(text) {
            Ok(config) => config,
            Err(problems) => panic!("the fuzzing configuration is invalid: {problems:?}"),
        }
    })
}

/// The example site's files around the fuzzed one: its categories, its authors, and its
/// tutorials' ids (each a small valid tutorial), so that what the example files refer to
/// exists and a mutation that breaks a reference is what gets reported.
fn neighbours() -> &'static (Vec<SourceFile>, Option<SourceFile>, Vec<String>) {
    static NEIGHBOURS: OnceLock<(Vec<SourceFile>, Option<SourceFile>, Vec<String>)> = OnceLock::new();
    NEIGHBOURS.get_or_init(|| {
        let file = |key: &str, path: String, text: &str| SourceFile {
            path: PathBuf::from(path),
            key: key.to_string(),
            text: Arc::from(text),
        };
        let categories = [
            ("cross-border-ec", include_str!("../../content/cross-border-ec/_category.yaml")),
            ("cross-border-ec/amazon", include_str!("../../content/cross-border-ec/amazon/_category.yaml")),
            ("domestic-ec", include_str!("../../content/domestic-ec/_category.yaml")),
            ("domestic-ec/taobao", include_str!("../../content/domestic-ec/taobao/_category.yaml")),
            ("payments", include_str!("../../content/payments/_category.yaml")),
            ("payments/wechat-pay", include_str!("../../content/payments/wechat-pay/_category.yaml")),
        ];
        let categories: Vec<SourceFile> =
            categories.iter().map(|(k, t)| file(k, format!("content/{k}/_category.yaml"), t)).collect();
        let authors = file("", "content/_authors.yaml".into(), include_str!("../../content/_authors.yaml"));
        let folders = categories.iter().map(|c| c.key.clone()).collect();
        (categories, Some(authors), folders)
    })
}

/// Ids of the example's tutorials: the fuzzed file may relate to any of them.
const TUTORIAL_IDS: &[&str] = &[
    "cross-border-ec/amazon/change-shipping-address",
    "cross-border-ec/amazon/forgot-password",
    "cross-border-ec/amazon/open-store",
    "cross-border-ec/amazon/view-sales",
    "domestic-ec/taobao/pay-with-wechat",
    "domestic-ec/taobao/request-refund",
    "payments/wechat-pay/bind-bank-card",
    "payments/wechat-pay/set-payment-password",
];

/// A tutorial file's bytes through the path `check` takes: UTF-8 decoding (BOM dropped),
/// YAML, the tutorial decoder, and the checks across files, among the example site's
/// categories, authors and tutorial ids; every diagnostic is rendered with its source
/// line. Returns the diagnostics as shown.
pub fn tutorial_file(bytes: &[u8]) -> Vec<String> {
    let Ok(text) = load::decode_utf8(bytes.to_vec()) else { return vec!["not UTF-8".into()] };
    let config = config();
    let (categories, authors, folders) = neighbours();
    let fuzzed = SourceFile {
        path: PathBuf::from("content/domestic-ec/taobao/fuzzed.yaml"),
        key: "domestic-ec/taobao/fuzzed".into(),
        text: Arc::from(text.as_str()),
    };
    let small = "title: {zh: 标题, en: Title}\nsummary: {zh: 摘要, en: Summary}\ndate: 2024-01-01\n\
                 steps:\n  - text: {zh: 点击, en: Click}\n";
    let mut tutorials = vec![fuzzed];
    tutorials.extend(TUTORIAL_IDS.iter().map(|id| SourceFile {
        path: PathBuf::from(format!("content/{id}.yaml")),
        key: (*id).to_string(),
        text: Arc::from(small),
    }));
    let decoded: Vec<_> = tutorials.iter().map(|f| Arc::new(model::decode_tutorial(f, config))).collect();
    let raw = RawContent {
        tutorials,
        categories: categories.clone(),
        authors: authors.clone(),
        folders: folders.clone(),
        ..RawContent::default()
    };
    let (_, diags) = model::check_content(std::path::Path::new("/nonexistent"), config, &raw, &decoded);
    diags.iter().map(|d| d.render(Some(&text))).collect()
}

/// A text through the inline Markdown renderer, in every form the pages use. Panics
/// when the HTML is not balanced, uses a tag the renderer never writes, or leaves a `<`
/// or `&` unescaped.
pub fn inline_markdown(text: &str) {
    for html in [markdown::to_html(text), markdown::to_html_without_links(text)] {
        if let Err(problem) = check_inline_html(&html) {
            panic!("{problem}\n  text: {text:?}\n  html: {html:?}");
        }
    }
    let without_links = markdown::to_html_without_links(text);
    assert!(!without_links.contains("<a "), "a link in a title: {text:?} -> {without_links:?}");
    let _ = markdown::to_plain(text);
    for label in markdown::ui_labels(text) {
        assert!(!label.contains('<'), "a tag inside a UI label: {text:?} -> {label:?}");
    }
}

/// Tags the inline renderer writes; `br` is the only one without an end.
const INLINE_TAGS: &[&str] = &["a", "em", "strong", "del", "code", "ol", "ul", "li", "span", "br"];

/// Checks that `html` is what the inline renderer may write: known tags, properly
/// nested and closed, attributes quoted, and every `&` an entity.
pub(crate) fn check_inline_html(html: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        let at = &rest[i..];
        if at.starts_with('&') {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].into_iter().find(|e| at.starts_with(e));
            let Some(e) = entity else { return Err(format!("a bare `&` at byte {}", html.len() - at.len())) };
            rest = &at[e.len()..];
            continue;
        }
        let Some(end) = at.find('>') else { return Err("a `<` that opens no tag".into()) };
        let tag = &at[1..end];
        rest = &at[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(o) if o == name => {}
                other => return Err(format!("`</{name}>` closes {other:?}")),
            }
            continue;
        }
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if !INLINE_TAGS.contains(&name) {
            return Err(format!("an unexpected tag `<{tag}>`"));
        }
        if attrs.contains('<') || attrs.matches('"').count() % 2 != 0 {
            return Err(format!("broken attributes in `<{tag}>`"));
        }
        if !attrs.is_empty() && !matches!(name, "a" | "span") {
            return Err(format!("attributes on `<{name}>`"));
        }
        if name != "br" {
            open.push(name);
        }
    }
    if let Some(o) = open.last() {
        return Err(format!("`<{o}>` is never closed"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_checker_tells_good_html_from_bad() {
        assert!(check_inline_html("a <em>b</em> &amp; <span class=\"ui\">c</span><br>").is_ok());
        assert!(check_inline_html("<em>b</strong>").is_err());
        assert!(check_inline_html("<em>b").is_err());
        assert!(check_inline_html("<script>").is_err());
        assert!(check_inline_html("a & b").is_err());
        assert!(check_inline_html("a < b").is_err());
    }

    #[test]
    fn the_entry_points_take_the_example_files() {
        let text = include_str!("../../content/domestic-ec/taobao/request-refund.yaml");
        let shown = tutorial_file(text.as_bytes());
        assert_eq!(shown, Vec::<String>::new());
        inline_markdown("Tap **[Save]** then see [the guide](https://example.com) & <b>done</b>");
    }
}

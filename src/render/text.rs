//! A site text in one language -> what a template prints: safe HTML, the language it is
//! really in when the source text stands in for a missing translation, and which badge
//! it earns. The badge markup is the templates' (`tutorial.html`), so themes can change it.

use super::views::{Badge, TextView};
use crate::markdown;
use crate::model::Localized;

/// How a text is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Markup {
    /// Inline Markdown, links included.
    Inline,
    /// A title or label: the page wraps it in a link of its own, so its links become text.
    NoLinks,
}

/// `text` in `lang` (the source's when it has no translation), with its badge when
/// `badges` is on; `outdated` says what the translation records say of it; `links` gives
/// the address of a link to a tutorial.
pub(super) fn view(
    text: &Localized,
    lang: &str,
    source: &str,
    markup: Markup,
    links: &dyn Fn(&str) -> Option<String>,
    (badges, outdated): (bool, bool),
) -> TextView {
    let r = text.get(lang, source);
    let html = match markup {
        Markup::Inline => markdown::to_html_linked(r.text, links),
        Markup::NoLinks => markdown::to_html_without_links(r.text),
    };
    let badge = match (badges, r.is_fallback, outdated) {
        (false, _, _) => None,
        (true, true, _) => Some(Badge::Untranslated),
        (true, false, true) => Some(Badge::Outdated),
        (true, false, false) => None,
    };
    TextView { html, fallback_lang: r.is_fallback.then(|| r.lang.html_tag()), badge }
}

/// `text` in `lang` as plain text, for `<title>`, `alt` and structured data.
pub(super) fn plain(text: &Localized, lang: &str, source: &str) -> String {
    markdown::to_plain(text.get(lang, source).text)
}

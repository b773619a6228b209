//! schema.org structured data, from plain facts the pages gather: a tutorial page's
//! `HowTo` (with its steps and the page's breadcrumbs), an index page's `ItemList`.
//! Serialized safely for a `<script>` element.

use serde::Serialize;
use serde_json::json;

/// What a tutorial page says about itself.
pub(super) struct HowTo<'a> {
    pub(super) name: &'a str,
    pub(super) description: &'a str,
    /// BCP 47.
    pub(super) language: String,
    pub(super) published: String,
    pub(super) modified: String,
    /// The canonical URL of the page.
    pub(super) url: &'a str,
    /// Each step's plain text and its screenshot's absolute URL.
    pub(super) steps: Vec<(String, Option<String>)>,
    pub(super) author: Option<String>,
    /// (name, absolute URL) from the home page down to the page itself.
    pub(super) breadcrumbs: Vec<(String, String)>,
}

/// JSON that cannot close its `<script>` element or open a comment.
pub(super) fn for_script<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A `HowTo` with its `HowToStep`s; its `mainEntityOfPage` carries the page's
/// `BreadcrumbList`, so the document keeps exactly one top-level `HowTo`.
pub(super) fn howto(h: &HowTo<'_>) -> String {
    let steps: Vec<serde_json::Value> = h
        .steps
        .iter()
        .enumerate()
        .map(|(i, (text, image))| {
            let mut step = json!({
                "@type": "HowToStep",
                "position": i + 1,
                "text": text,
                "url": format!("{}#step-{}", h.url, i + 1),
            });
            if let Some(image) = image {
                step["image"] = json!(image);
            }
            step
        })
        .collect();
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": h.name,
        "description": h.description,
        "inLanguage": h.language,
        "datePublished": h.published,
        "dateModified": h.modified,
        "url": h.url,
        "step": steps,
    });
    if let Some(name) = &h.author {
        doc["author"] = json!({"@type": "Person", "name": name});
    }
    let items: Vec<serde_json::Value> = h
        .breadcrumbs
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": url}))
        .collect();
    doc["mainEntityOfPage"] = json!({
        "@type": "WebPage",
        "@id": h.url,
        "breadcrumb": {"@type": "BreadcrumbList", "itemListElement": items},
    });
    for_script(&doc)
}

/// An `ItemList` named `name` of (absolute URL, name) items, in page order.
pub(super) fn item_list<'a>(name: &str, items: impl Iterator<Item = (String, &'a str)>) -> String {
    let listed: Vec<serde_json::Value> = items
        .enumerate()
        .map(|(i, (url, name))| json!({"@type": "ListItem", "position": i + 1, "url": url, "name": name}))
        .collect();
    for_script(&json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": name,
        "numberOfItems": listed.len(),
        "itemListElement": listed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_break_out() {
        let s = for_script(&json!({"a": "</script><script>alert(1)</script>"}));
        assert!(!s.contains("</script"));
        assert!(s.contains("\\u003c/script\\u003e"));
    }
}

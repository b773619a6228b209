//! schema.org structured data, from plain facts the pages gather: a tutorial page's
//! `HowTo` (with its steps and the page's breadcrumbs), an index page's `ItemList`.
//! Serialized safely for a `<script>` element.

use serde::Serialize;

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
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

// The documents are typed structs, not `json!` trees: a tree allocates a map per object
// and was a tenth of a tutorial page's context. Fields are declared in byte order of
// their names, the order the trees printed them in, so the output is the same.

#[derive(Serialize)]
struct HowToDoc<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Person<'a>>,
    #[serde(rename = "dateModified")]
    modified: &'a str,
    #[serde(rename = "datePublished")]
    published: &'a str,
    description: &'a str,
    #[serde(rename = "inLanguage")]
    language: &'a str,
    #[serde(rename = "mainEntityOfPage")]
    main_entity: WebPage<'a>,
    name: &'a str,
    step: Vec<HowToStep<'a>>,
    url: &'a str,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct HowToStep<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    position: usize,
    text: &'a str,
    url: String,
}

#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
    breadcrumb: BreadcrumbList<'a>,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<Crumb<'a>>,
}

#[derive(Serialize)]
struct Crumb<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: &'a str,
    name: &'a str,
    position: usize,
}

#[derive(Serialize)]
struct ItemList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
    name: &'a str,
    #[serde(rename = "numberOfItems")]
    count: usize,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    position: usize,
    url: String,
}

/// A `HowTo` with its `HowToStep`s; its `mainEntityOfPage` carries the page's
/// `BreadcrumbList`, so the document keeps exactly one top-level `HowTo`.
pub(super) fn howto(h: &HowTo<'_>) -> String {
    let step = h
        .steps
        .iter()
        .enumerate()
        .map(|(i, (text, image))| HowToStep {
            kind: "HowToStep",
            image: image.as_deref(),
            position: i + 1,
            text,
            url: format!("{}#step-{}", h.url, i + 1),
        })
        .collect();
    let items = h
        .breadcrumbs
        .iter()
        .enumerate()
        .map(|(i, (name, url))| Crumb { kind: "ListItem", item: url, name, position: i + 1 })
        .collect();
    for_script(&HowToDoc {
        context: "https://schema.org",
        kind: "HowTo",
        author: h.author.as_deref().map(|name| Person { kind: "Person", name }),
        modified: &h.modified,
        published: &h.published,
        description: h.description,
        language: &h.language,
        main_entity: WebPage {
            id: h.url,
            kind: "WebPage",
            breadcrumb: BreadcrumbList { kind: "BreadcrumbList", items },
        },
        name: h.name,
        step,
        url: h.url,
    })
}

/// An `ItemList` named `name` of (absolute URL, name) items, in page order.
pub(super) fn item_list<'a>(name: &str, items: impl Iterator<Item = (String, &'a str)>) -> String {
    let items: Vec<ListItem<'a>> =
        items.enumerate().map(|(i, (url, name))| ListItem { kind: "ListItem", name, position: i + 1, url }).collect();
    for_script(&ItemList { context: "https://schema.org", kind: "ItemList", count: items.len(), items, name })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn script_json_cannot_break_out() {
        let s = for_script(&json!({"a": "</script><script>alert(1)</script>"}));
        assert!(!s.contains("</script"));
        assert!(s.contains("\\u003c/script\\u003e"));
    }
}

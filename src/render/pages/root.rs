//! `/index.html`: sends readers to their browser's language (the source's by default).

use serde_json::json;
use tera::Context;

use super::page::Page;
use crate::render::routes::PageKind;

pub(super) fn context(page: &Page<'_>) -> Context {
    let site = page.site;
    let source = page.source();
    let mut meta = page.meta(PageKind::Root, site.config.title(source).to_string(), String::new());
    meta.alternates.clear();
    let mut ctx = page.base(meta);
    let choices: Vec<serde_json::Value> = site
        .config
        .languages
        .iter()
        .map(|l| {
            json!({
                "code": l, "name": l.name(), "html_lang": l.html_tag(),
                "href": format!("{l}/"), "title": site.config.title(l),
                "choose": page.r.locales.t(l, "choose_language"),
            })
        })
        .collect();
    ctx.insert("choices", &choices);
    ctx.insert("default_href", &format!("{source}/"));
    ctx
}

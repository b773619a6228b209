//! `404.html`: served at any URL, so its links are absolute paths from the site's base
//! path instead of relative ones. The root `404.html` (served for any missing path) says
//! it in every language, the source's first.

use serde_json::json;
use tera::Context;

use super::page::Page;
use crate::render::routes::{PageKey, PageKind};
use crate::render::urls;
use crate::render::views::Listed;

pub(super) fn context(page: &Page<'_>) -> Context {
    let base = page.site.config.base_path();
    let lang = page.lang;
    let mut meta = page.meta(PageKind::NotFound, page.t("not_found").to_string(), String::new());
    meta.alternates.clear();
    for choice in &mut meta.languages {
        choice.href = format!("{base}{}/", choice.code);
    }
    let mut ctx = page.base(meta);
    ctx.insert("root", &base);
    ctx.insert("home", &format!("{base}{}", urls::index_dir(lang)));
    ctx.insert("search_href", &format!("{base}{}", urls::search_dir(lang)));
    let latest: Vec<Listed<'_>> =
        page.latest_indexes().iter().map(|&i| Listed { item: page.question_from_root(i), prefix: &base }).collect();
    ctx.insert("latest", &latest);
    let others: Vec<serde_json::Value> = match page.key {
        PageKey::NotFound { root: true, .. } => {
            let locales = &page.r.locales;
            page.site
                .config
                .languages
                .iter()
                .filter(|l| *l != lang)
                .map(|l| {
                    json!({
                        "html_lang": l.html_tag(),
                        "not_found": locales.t(l, "not_found"),
                        "not_found_text": locales.t(l, "not_found_text"),
                        "back_home": locales.t(l, "back_home"),
                        "home": format!("{base}{}", urls::index_dir(l)),
                    })
                })
                .collect()
        }
        _ => Vec::new(),
    };
    ctx.insert("other_languages", &others);
    ctx
}

//! `404.html`: served at any URL, so its links are absolute paths from the site's base
//! path instead of relative ones.

use tera::Context;

use super::page::Page;
use crate::render::routes::PageKind;
use crate::render::urls;
use crate::render::views::QuestionItem;

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
    let latest: Vec<QuestionItem> = page
        .latest_indexes()
        .iter()
        .map(|&i| {
            let mut q = page.question_from_root(i);
            q.href.insert_str(0, &base);
            q.category_href.insert_str(0, &base);
            q
        })
        .collect();
    ctx.insert("latest", &latest);
    ctx
}

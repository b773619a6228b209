//! `/{lang}/search/`: the search results page (the browser fills it in from `?q=`).

use tera::Context;

use super::page::Page;
use crate::model::CategoryPath;
use crate::render::routes::PageKind;

pub(super) fn context(page: &Page<'_>) -> Context {
    let mut meta = page.meta(PageKind::Search, page.t("search").to_string(), String::new());
    meta.breadcrumbs = page.breadcrumbs(&CategoryPath::top());
    let mut ctx = page.base(meta);
    ctx.insert("latest", &page.latest());
    ctx
}

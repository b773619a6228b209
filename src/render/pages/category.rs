//! `/{lang}/{category path}/`: a category with its breadcrumbs, subcategories and questions.

use serde_json::json;
use tera::Context;

use super::page::Page;
use crate::model::CategoryPath;
use crate::render::routes::PageKind;

pub(super) fn context(page: &Page<'_>, path: &CategoryPath) -> Context {
    let site = page.site;
    let c = &site.categories[path];
    let title = page.plain(&c.title);
    let description = c.description.as_ref().map(|d| page.plain(d)).unwrap_or_default();
    let mut meta = page.meta(PageKind::Category, title, description);
    meta.breadcrumbs = page.breadcrumbs(path);
    let mut ctx = page.base(meta);
    ctx.insert(
        "category",
        &json!({
            "title": page.category_title(c),
            "description": page.category_description(c),
            "count": site.count_under(path),
        }),
    );
    ctx.insert("subcategories", &page.subcategories(path));
    ctx.insert("questions", &site.category_tutorials.get(path).map(|l| page.questions(l)).unwrap_or_default());
    ctx
}

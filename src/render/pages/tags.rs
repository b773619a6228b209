//! `/{lang}/tags/`: every tag; `/{lang}/tags/{tag}/`: one tag's questions.

use tera::Context;

use super::page::Page;
use crate::model::CategoryPath;
use crate::render::routes::PageKind;
use crate::render::urls;
use crate::render::views::{Link, TagItem};

pub(super) fn all_tags(page: &Page<'_>) -> Context {
    let mut meta = page.meta(PageKind::Tags, page.t("all_tags").to_string(), String::new());
    meta.breadcrumbs = page.breadcrumbs(&CategoryPath::top());
    let mut ctx = page.base(meta);
    let tags: Vec<TagItem> = page.site.tags.iter().map(|(t, l)| page.tag_item(t, l.len())).collect();
    ctx.insert("tags", &tags);
    ctx
}

pub(super) fn one_tag(page: &Page<'_>, tag: &str) -> Context {
    let name = page.site.tag_name(tag, page.lang);
    let title = format!("{}: {name}", page.t("tag"));
    let mut meta = page.meta(PageKind::Tag, title, String::new());
    meta.breadcrumbs = page.breadcrumbs(&CategoryPath::top());
    meta.breadcrumbs.push(Link { title: page.t("all_tags").to_string(), href: page.link(&urls::tags_dir(page.lang)) });
    let mut ctx = page.base(meta);
    ctx.insert("tag", name);
    ctx.insert("questions", &page.site.tags.get(tag).map(|l| page.questions(l)).unwrap_or_default());
    ctx.insert("tags_href", &page.link(&urls::tags_dir(page.lang)));
    ctx
}

//! The context of each page kind's template, one module per kind. [`Page`] is what they
//! share: the page being made, its language and folder, and the helpers every page uses
//! (texts, links, the head's metadata, breadcrumbs, question items).

mod category;
mod compare;
mod figure;
mod index;
mod not_found;
mod page;
mod root;
mod search;
mod tags;
mod tutorial;

use tera::Context;

use super::routes::PageKey;
use super::{Input, Renderer};
pub(super) use index::made_description;
use page::Page;

/// The template context for `key`.
pub(super) fn context(r: &Renderer, input: &Input<'_>, key: &PageKey) -> Context {
    let site = input.site;
    // The root page is in the source language.
    let lang = key.lang().unwrap_or_else(|| site.source_lang());
    let page = Page::new(r, input, key, lang);
    match key {
        PageKey::Root => root::context(&page),
        PageKey::Index { .. } => index::context(&page),
        PageKey::Category { path, .. } => category::context(&page, path),
        PageKey::Tutorial { id, .. } => tutorial::context(&page, id),
        PageKey::Compare { id, .. } => compare::context(&page, id),
        PageKey::Tags { .. } => tags::all_tags(&page),
        PageKey::Tag { tag, .. } => tags::one_tag(&page, tag),
        PageKey::Search { .. } => search::context(&page),
        PageKey::NotFound { .. } => not_found::context(&page),
    }
}

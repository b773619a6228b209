//! `/{lang}/`: the Q&A index: questions by category, the latest, popular tags.

use tera::Context;

use super::page::Page;
use crate::lang::Lang;
use crate::model::{CategoryPath, Site};
use crate::render::jsonld;
use crate::render::routes::PageKind;
use crate::render::urls;
use crate::render::views::{CategorySection, Listed, TagItem};
use crate::render::{Renderer, text};

/// Questions listed per category.
const QUESTIONS_PER_CATEGORY: usize = 6;
const POPULAR_TAGS: usize = 24;
/// Categories named in a description made for a site without one.
const DESCRIBED_CATEGORIES: usize = 6;

pub(super) fn context(page: &Page<'_>) -> Context {
    let (site, lang) = (page.site, page.lang);
    let title = site.config.title(lang).to_string();
    // The lead is the site's own description; search engines get one either way.
    let lead = site.config.description(lang).to_string();
    let description = if lead.is_empty() { made_description(page.r, site, lang) } else { lead.clone() };
    let mut ctx = page.base(page.meta(PageKind::Index, title, description));
    ctx.insert("lead", &lead);
    let sections: Vec<CategorySection<'_>> =
        site.subcategories.get("").map(|tops| tops.iter().map(|p| section(page, p)).collect()).unwrap_or_default();
    // Tutorials at the top of content/, outside any category.
    let loose: Vec<Listed<'_>> = site.category_tutorials.get("").map(|l| page.questions(l)).unwrap_or_default();
    let listed = sections.iter().flat_map(|s| s.questions.iter()).chain(loose.iter());
    let listed = listed.map(|q| {
        (site.config.absolute(&urls::encode_path(&urls::tutorial_dir(lang, &q.item.id))), &*q.item.plain_title)
    });
    ctx.insert("jsonld", &jsonld::item_list(site.config.title(lang), listed));
    ctx.insert("sections", &sections);
    ctx.insert("loose", &loose);
    ctx.insert("latest", &page.latest());
    ctx.insert("popular_tags", &popular_tags(page, POPULAR_TAGS));
    ctx.insert("tags_href", &page.link(&urls::tags_dir(lang)));
    ctx.insert("tutorial_count", &site.tutorials.len());
    ctx
}

/// The index's description for a site without `[description]`: its title and first
/// top-level categories, worded by the theme's `index_description` string.
pub(in crate::render) fn made_description(r: &Renderer, site: &Site, lang: &Lang) -> String {
    let t = |key: &str| r.locales.t(lang, key);
    let names: Vec<String> = site
        .subcategories
        .get("")
        .map(|tops| {
            tops.iter()
                .take(DESCRIBED_CATEGORIES)
                .filter_map(|p| site.categories.get(p))
                .map(|c| text::plain(&c.title, lang, site.source_lang()))
                .collect()
        })
        .unwrap_or_default();
    let title = site.config.title(lang);
    if names.is_empty() {
        t("index_description_empty").replace("{title}", title)
    } else {
        let listed = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{}{}{last}", rest.join(t("list_separator")), t("list_and")),
            None => String::new(),
        };
        t("index_description").replace("{title}", title).replace("{categories}", &listed)
    }
}

/// The `n` tags on the most tutorials, ties by name.
fn popular_tags(page: &Page<'_>, n: usize) -> Vec<TagItem> {
    let mut tags: Vec<(&String, usize)> = page.site.tags.iter().map(|(t, l)| (t, l.len())).collect();
    tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    tags.into_iter().take(n).map(|(t, c)| page.tag_item(t, c)).collect()
}

/// A top-level category's card: its newest questions (its subcategories' included).
fn section<'p>(page: &'p Page<'_>, path: &CategoryPath) -> CategorySection<'p> {
    let site = page.site;
    let c = &site.categories[path];
    let under: Vec<usize> =
        site.latest().iter().copied().filter(|&i| site.tutorials[i].category.is_within(path)).collect();
    let shown = under.len().min(QUESTIONS_PER_CATEGORY);
    CategorySection {
        title: page.category_title(c),
        href: page.link(&urls::category_dir(page.lang, path)),
        count: under.len(),
        description: page.category_description(c),
        questions: page.questions(&under[..shown]),
        subcategories: page.subcategories(path),
        more: under.len() - shown,
    }
}

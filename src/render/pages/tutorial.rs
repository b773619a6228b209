//! `/{lang}/{tutorial id}/`: the tutorial page: numbered steps with their screenshots and
//! highlight boxes, notes, tags, author, related questions, structured data.

use tera::Context;

use super::figure::{ImageSize, step_image};
use super::page::Page;
use crate::images;
use crate::model::{CategoryPath, FieldPath, TutorialId};
use crate::render::jsonld;
use crate::render::routes::PageKind;
use crate::render::urls;
use crate::render::views::{AuthorView, Link, NoteView, OgImage, StepView, TextView, TutorialView};

pub(super) fn context(page: &Page<'_>, id: &TutorialId) -> Context {
    let (site, lang) = (page.site, page.lang);
    let idx = site.index[id];
    let t = &site.tutorials[idx];
    let outdated = site.outdated.of_tutorial(id);
    let is_outdated = |field: FieldPath| outdated.contains(&field, lang);
    let title_plain = page.plain(&t.title);
    let description = t
        .summary
        .as_ref()
        .map(|s| page.plain(s))
        .or_else(|| t.steps.first().map(|s| page.plain(&s.text)))
        .unwrap_or_default();
    let mut meta = page.meta(PageKind::Tutorial, title_plain.clone(), description.clone());
    meta.breadcrumbs = page.breadcrumbs(&t.category);

    let mut untranslated = 0;
    let mut count = |v: &TextView| {
        if v.fallback_lang.is_some() {
            untranslated += 1;
        }
    };
    let title = page.title(&t.title, is_outdated(FieldPath::Title));
    count(&title);
    let summary = t.summary.as_ref().map(|s| page.text(s, &t.category, is_outdated(FieldPath::Summary)));
    if let Some(s) = &summary {
        count(s);
    }
    let mut first_image = true;
    let steps: Vec<StepView> = t
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let text = page.text(&step.text, &t.category, is_outdated(FieldPath::StepText(i)));
            count(&text);
            let image = step_image(page, t, i, ImageSize::Step, !first_image);
            first_image &= image.is_none();
            StepView { n: i + 1, text, image }
        })
        .collect();
    let notes: Vec<NoteView> = t
        .notes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let text = page.text(&n.text, &t.category, is_outdated(FieldPath::NoteText(i)));
            count(&text);
            NoteView { kind: n.kind.as_str(), label: page.t(&format!("note_{}", n.kind.as_str())).to_string(), text }
        })
        .collect();
    let author = t.author.as_ref().and_then(|a| site.authors.get(a)).map(|a| {
        let outdated = site.outdated.of_authors();
        let name_plain = page.plain(&a.name);
        AuthorView {
            name: page.title(&a.name, outdated.contains(&FieldPath::AuthorName(a.id.clone()), lang)),
            initial: name_plain.chars().next().map(String::from).unwrap_or_default(),
            bio: a.bio.as_ref().map(|b| {
                page.text(b, &CategoryPath::top(), outdated.contains(&FieldPath::AuthorBio(a.id.clone()), lang))
            }),
        }
    });
    let category = site
        .categories
        .get(&t.category)
        .map(|c| Link { title: page.plain(&c.title), href: page.link(&urls::category_dir(lang, &c.path)) });
    let view = TutorialView {
        id: t.id.to_string(),
        title,
        summary,
        date: t.date.to_string(),
        date_display: page.date(t.date),
        updated: t.updated.map(|d| d.to_string()),
        updated_display: t.updated.map(|d| page.date(d)),
        category,
        tags: t.tags.iter().map(|tag| page.tag_item(tag, site.tags.get(tag).map_or(0, Vec::len))).collect(),
        author,
        related: page.questions(&site.related[idx]),
        untranslated,
        compare_href: page.r.options.side_by_side.then(|| {
            // The source language has no view of its own: it links to the first translation's.
            let view_lang = if site.config.languages.is_source(lang) {
                site.config.languages.targets().first().unwrap_or(lang)
            } else {
                lang
            };
            page.link(&urls::compare_path(view_lang, id))
        }),
        jsonld: jsonld::howto(&jsonld::HowTo {
            name: &title_plain,
            description: &description,
            language: lang.html_tag(),
            published: t.date.to_string(),
            modified: t.last_changed().to_string(),
            url: &meta.canonical,
            steps: t
                .steps
                .iter()
                .map(|s| {
                    let image = s.image.as_ref().and_then(|img| {
                        let key = images::rendition_key(img.for_lang(lang, site.source_lang()), &s.redact);
                        page.images.renditions.get(&key).map(|r| site.config.absolute(&r.full().path))
                    });
                    (page.plain(&s.text), image)
                })
                .collect(),
            author: t.author.as_ref().and_then(|a| site.authors.get(a)).map(|a| page.plain(&a.name)),
            breadcrumbs: std::iter::once((page.t("home").to_string(), site.config.absolute(&urls::index_dir(lang))))
                .chain(site.category_chain(&t.category).into_iter().map(|c| {
                    let url = site.config.absolute(&urls::encode_path(&urls::category_dir(lang, &c.path)));
                    (page.plain(&c.title), url)
                }))
                .chain(std::iter::once((title_plain.clone(), meta.canonical.clone())))
                .collect(),
        }),
        og_image: images::og_key(site, idx, lang).and_then(|k| page.images.og.get(&k)).map(|v| OgImage {
            url: site.config.absolute(&v.path),
            width: v.width,
            height: v.height,
        }),
        steps,
        notes,
    };
    let mut ctx = page.base(meta);
    ctx.insert("tutorial", &view);
    ctx
}

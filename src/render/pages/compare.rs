//! `/{lang}/{tutorial id}/side-by-side.html`: every text of a tutorial, source beside its
//! `lang` translation, each row with its state, and each screenshot once. Only
//! translations have one (`routes::all_pages`): `lang` is never the source.

use tera::Context;

use super::figure::{ImageSize, step_image};
use super::page::Page;
use crate::lang::Lang;
use crate::markdown;
use crate::model::{FieldPath, Localized, TranslationState, TutorialId};
use crate::render::routes::PageKind;
use crate::render::urls;
use crate::render::views::{CompareLang, CompareRow, CompareView, ImageView, Link};

pub(super) fn context(page: &Page<'_>, id: &TutorialId) -> Context {
    let site = page.site;
    let t = &site.tutorials[site.index[id]];
    let source = page.source();
    let target = page.lang;
    let outdated = site.outdated.of_tutorial(id);
    let label = |lang: &Lang| CompareLang {
        code: lang.to_string(),
        html_lang: lang.html_tag(),
        name: lang.name().to_string(),
        href: page.link(&urls::tutorial_dir(lang, id)),
    };
    let row = |heading: String, anchor: String, field: FieldPath, text: &Localized, image: Option<ImageView>| {
        let title = matches!(field, FieldPath::Title | FieldPath::StepAlt(_));
        let links = |written: &str| page.tutorial_link(&t.category, written);
        let html =
            |s: &str| if title { markdown::to_html_without_links(s) } else { markdown::to_html_linked(s, &links) };
        let translation = text.is_translatable().then(|| text.value(target)).flatten();
        let state = if !text.is_translatable() {
            TranslationState::Current
        } else if translation.is_none() {
            TranslationState::Missing
        } else if outdated.contains(&field, target) {
            TranslationState::Outdated
        } else {
            TranslationState::Current
        };
        CompareRow {
            heading,
            anchor,
            source: html(text.source(source)),
            target: translation.map(|v| html(&v.text)),
            state,
            image,
        }
    };
    let mut rows = vec![row(page.t("title_label").to_string(), "title".into(), FieldPath::Title, &t.title, None)];
    if let Some(s) = &t.summary {
        rows.push(row(page.t("summary_label").to_string(), "summary".into(), FieldPath::Summary, s, None));
    }
    for (i, step) in t.steps.iter().enumerate() {
        let image = step_image(page, t, i, ImageSize::Thumbnail, true);
        let heading = page.t("step_n").replace("{n}", &(i + 1).to_string());
        rows.push(row(heading, format!("step-{}", i + 1), FieldPath::StepText(i), &step.text, image));
        if let Some(alt) = &step.alt {
            let heading = page.t("alt_n").replace("{n}", &(i + 1).to_string());
            rows.push(row(heading, format!("step-{}-alt", i + 1), FieldPath::StepAlt(i), alt, None));
        }
    }
    for (i, n) in t.notes.iter().enumerate() {
        let heading = page.t(&format!("note_{}", n.kind.as_str())).to_string();
        rows.push(row(heading, format!("note-{}", i + 1), FieldPath::NoteText(i), &n.text, None));
    }
    let count = |state: TranslationState| rows.iter().filter(|r| r.state == state).count();
    let view = CompareView {
        title: page.title(&t.title, outdated.contains(&FieldPath::Title, target)),
        source: label(source),
        target: label(target),
        tutorial_href: page.link(&urls::tutorial_dir(target, id)),
        others: site
            .config
            .languages
            .targets()
            .iter()
            .filter(|l| *l != target)
            .map(|l| Link { title: l.name().to_string(), href: page.link(&urls::compare_path(l, id)) })
            .collect(),
        missing: count(TranslationState::Missing),
        outdated: count(TranslationState::Outdated),
        rows,
    };
    let title_plain = page.plain(&t.title);
    let page_title = format!("{} · {}", title_plain, page.t("side_by_side"));
    let mut meta = page.meta(PageKind::Compare, page_title, String::new());
    // noindex, and the source language has no such page: its switch leads to the tutorial.
    meta.alternates.clear();
    for choice in &mut meta.languages {
        if source == choice.code.as_str() {
            choice.href = page.link(&urls::tutorial_dir(source, id));
        }
    }
    meta.breadcrumbs = page.breadcrumbs(&t.category);
    meta.breadcrumbs.push(Link { title: title_plain, href: view.tutorial_href.clone() });
    let mut ctx = page.base(meta);
    ctx.insert("compare", &view);
    ctx
}

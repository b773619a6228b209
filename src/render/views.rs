//! Small serializable views the templates read: one per page kind, built from `&Site`
//! for one language. Texts arrive here already rendered to safe HTML.

use serde::Serialize;

#[derive(Serialize, Debug, Clone)]
pub struct Link {
    pub title: String,
    pub href: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct LangChoice {
    pub code: String,
    pub name: String,
    pub html_lang: String,
    /// Relative link to this page in that language.
    pub href: String,
    pub current: bool,
}

/// What every page has.
#[derive(Serialize, Debug, Clone)]
pub struct PageMeta {
    pub kind: &'static str,
    /// Plain text for `<title>`.
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub alternates: Vec<Alternate>,
    pub languages: Vec<LangChoice>,
    pub breadcrumbs: Vec<Link>,
}

/// A rendered translatable text.
#[derive(Serialize, Debug, Clone, Default)]
pub struct TextView {
    pub html: String,
    /// Set when the source text stands in for a missing translation: the element gets
    /// this `lang`.
    pub fallback_lang: Option<String>,
    /// The badge to show beside it: `untranslated` or `outdated` (none in a
    /// `--production` build).
    pub badge: Option<&'static str>,
    /// Ready to print in running text: `html` in its `fallback_lang` span (what the
    /// `text` macro prints), followed by its badge, "not yet translated" or "may be
    /// outdated" (the only place that markup is made).
    pub shown: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct QuestionItem {
    pub id: String,
    pub plain_title: String,
    pub title: TextView,
    pub href: String,
    pub category: String,
    pub category_href: String,
    pub date: String,
    pub date_display: String,
    pub summary: Option<TextView>,
    pub steps: usize,
}

#[derive(Serialize, Debug, Clone)]
pub struct TagItem {
    pub name: String,
    pub href: String,
    pub count: usize,
}

#[derive(Serialize, Debug, Clone)]
pub struct CategoryItem {
    pub title: TextView,
    pub href: String,
    pub count: usize,
    pub description: Option<TextView>,
}

#[derive(Serialize, Debug, Clone)]
pub struct CategorySection {
    pub title: TextView,
    pub href: String,
    pub count: usize,
    pub description: Option<TextView>,
    pub questions: Vec<QuestionItem>,
    pub subcategories: Vec<CategoryItem>,
    /// How many questions are not listed here (see the category page).
    pub more: usize,
}

#[derive(Serialize, Debug, Clone)]
pub struct Callout {
    pub n: usize,
    /// Percentages, so the box scales with the responsive image.
    pub left: String,
    pub top: String,
    pub width: String,
    pub height: String,
    pub label: Option<TextView>,
}

#[derive(Serialize, Debug, Clone)]
pub struct ImageView {
    pub src: String,
    pub srcset: String,
    /// Lossless WebP variants, when they are enough smaller to be worth a `<source>`.
    pub webp_srcset: Option<String>,
    pub sizes: String,
    pub full: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub lazy: bool,
    pub callouts: Vec<Callout>,
}

#[derive(Serialize, Debug, Clone)]
pub struct StepView {
    pub n: usize,
    pub text: TextView,
    pub image: Option<ImageView>,
}

#[derive(Serialize, Debug, Clone)]
pub struct NoteView {
    pub kind: &'static str,
    pub label: String,
    pub text: TextView,
}

#[derive(Serialize, Debug, Clone)]
pub struct AuthorView {
    pub name: TextView,
    pub initial: String,
    pub bio: Option<TextView>,
}

#[derive(Serialize, Debug, Clone)]
pub struct TutorialView {
    pub id: String,
    pub title: TextView,
    pub summary: Option<TextView>,
    pub date: String,
    pub date_display: String,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    pub category: Option<Link>,
    pub tags: Vec<TagItem>,
    pub author: Option<AuthorView>,
    pub steps: Vec<StepView>,
    pub notes: Vec<NoteView>,
    pub related: Vec<QuestionItem>,
    /// How many texts on the page fall back to the source language.
    pub untranslated: usize,
    /// The side-by-side view (sites with more than one language).
    pub compare_href: Option<String>,
    /// Escaped JSON for `<script type="application/ld+json">`.
    pub jsonld: String,
    /// The social-card image: the first screenshot with its boxes burned in.
    pub og_image: Option<OgImage>,
}

#[derive(Serialize, Debug, Clone)]
pub struct OgImage {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// The side-by-side view: one row per text, source beside translation.
#[derive(Serialize, Debug, Clone)]
pub struct CompareView {
    pub title: TextView,
    pub source: CompareLang,
    pub target: CompareLang,
    pub tutorial_href: String,
    /// The same view with the other translations (sites with more than two languages).
    pub others: Vec<Link>,
    pub missing: usize,
    pub outdated: usize,
    pub rows: Vec<CompareRow>,
}

#[derive(Serialize, Debug, Clone)]
pub struct CompareLang {
    pub code: String,
    pub html_lang: String,
    pub name: String,
    /// The tutorial's page in this language.
    pub href: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct CompareRow {
    pub heading: String,
    pub anchor: String,
    pub source: String,
    /// `None` when the translation is missing.
    pub target: Option<String>,
    /// `current`, `missing` or `outdated`.
    pub state: &'static str,
    pub image: Option<ImageView>,
}

//! Small serializable views the templates read: one per page kind, built from `&Site`
//! for one language. Texts arrive here already rendered to safe HTML.

use std::borrow::Cow;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::routes::PageKind;
use crate::model::TranslationState;

/// The badge a text earns in a build that shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Badge {
    /// The source text stands in for a missing translation.
    Untranslated,
    /// The translation was confirmed against an older source text.
    Outdated,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct Link {
    pub(crate) title: String,
    pub(crate) href: String,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct Alternate {
    pub(crate) hreflang: String,
    pub(crate) href: String,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct LangChoice {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) html_lang: String,
    /// Relative link to this page in that language.
    pub(crate) href: String,
    pub(crate) current: bool,
}

/// What every page has.
#[derive(Serialize, Debug, Clone)]
pub(crate) struct PageMeta {
    pub(crate) kind: PageKind,
    /// Plain text for `<title>`.
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) canonical: String,
    pub(crate) alternates: Vec<Alternate>,
    pub(crate) languages: Vec<LangChoice>,
    pub(crate) breadcrumbs: Vec<Link>,
}

/// A rendered translatable text.
#[derive(Serialize, Debug, Clone)]
pub(crate) struct TextView {
    pub(crate) html: String,
    /// Set when the source text stands in for a missing translation: the element gets
    /// this `lang`.
    pub(crate) fallback_lang: Option<String>,
    /// The badge to show beside it: `untranslated` or `outdated` (none in a
    /// `--production` build).
    pub(crate) badge: Option<Badge>,
}

/// A tutorial as question lists show it, with links from the site root: made once per
/// tutorial and language ([`super::items::ListItems`]) and listed through [`Listed`].
#[derive(Debug, Clone)]
pub(crate) struct QuestionItem {
    pub(crate) id: String,
    pub(crate) plain_title: String,
    pub(crate) title: TextView,
    pub(crate) href: String,
    pub(crate) category: String,
    pub(crate) category_href: String,
    pub(crate) date: String,
    pub(crate) date_display: String,
    pub(crate) summary: Option<TextView>,
    pub(crate) steps: usize,
}

/// A question item as one page lists it: the shared item, not a copy, and the prefix
/// its two links take on that page (`../../`). Templates read it as the item's fields.
/// A tutorial is listed on a dozen pages per language: a copy per listing, and its
/// strings, were the most of what tag pages cost.
#[derive(Debug, Clone)]
pub(crate) struct Listed<'a> {
    pub(crate) item: Cow<'a, QuestionItem>,
    pub(crate) prefix: &'a str,
}

impl Serialize for Listed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let q = &*self.item;
        let mut s = serializer.serialize_struct("QuestionItem", 10)?;
        s.serialize_field("id", &q.id)?;
        s.serialize_field("plain_title", &q.plain_title)?;
        s.serialize_field("title", &q.title)?;
        s.serialize_field("href", &Prefixed(self.prefix, &q.href))?;
        s.serialize_field("category", &q.category)?;
        s.serialize_field("category_href", &Prefixed(self.prefix, &q.category_href))?;
        s.serialize_field("date", &q.date)?;
        s.serialize_field("date_display", &q.date_display)?;
        s.serialize_field("summary", &q.summary)?;
        s.serialize_field("steps", &q.steps)?;
        s.end()
    }
}

/// Two strings serialized as one.
struct Prefixed<'a>(&'a str, &'a str);

impl Serialize for Prefixed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            "" => serializer.serialize_str(self.1),
            prefix => serializer.serialize_str(&[prefix, self.1].concat()),
        }
    }
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct TagItem {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) count: usize,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct CategoryItem {
    pub(crate) title: TextView,
    pub(crate) href: String,
    pub(crate) count: usize,
    pub(crate) description: Option<TextView>,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct CategorySection<'a> {
    pub(crate) title: TextView,
    pub(crate) href: String,
    pub(crate) count: usize,
    pub(crate) description: Option<TextView>,
    pub(crate) questions: Vec<Listed<'a>>,
    pub(crate) subcategories: Vec<CategoryItem>,
    /// How many questions are not listed here (see the category page).
    pub(crate) more: usize,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct Callout {
    pub(crate) n: usize,
    /// Percentages, so the box scales with the responsive image.
    pub(crate) left: String,
    pub(crate) top: String,
    pub(crate) width: String,
    pub(crate) height: String,
    pub(crate) label: Option<TextView>,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct ImageView {
    pub(crate) src: String,
    pub(crate) srcset: String,
    /// Lossless WebP variants, when they are enough smaller to be worth a `<source>`.
    pub(crate) webp_srcset: Option<String>,
    pub(crate) sizes: String,
    pub(crate) full: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) alt: String,
    pub(crate) lazy: bool,
    pub(crate) callouts: Vec<Callout>,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct StepView {
    pub(crate) n: usize,
    pub(crate) text: TextView,
    pub(crate) image: Option<ImageView>,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct NoteView {
    pub(crate) kind: &'static str,
    pub(crate) label: String,
    pub(crate) text: TextView,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct AuthorView {
    pub(crate) name: TextView,
    pub(crate) initial: String,
    pub(crate) bio: Option<TextView>,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct TutorialView<'a> {
    pub(crate) id: String,
    pub(crate) title: TextView,
    pub(crate) summary: Option<TextView>,
    pub(crate) date: String,
    pub(crate) date_display: String,
    pub(crate) updated: Option<String>,
    pub(crate) updated_display: Option<String>,
    pub(crate) category: Option<Link>,
    pub(crate) tags: Vec<TagItem>,
    pub(crate) author: Option<AuthorView>,
    pub(crate) steps: Vec<StepView>,
    pub(crate) notes: Vec<NoteView>,
    pub(crate) related: Vec<Listed<'a>>,
    /// How many texts on the page fall back to the source language.
    pub(crate) untranslated: usize,
    /// The side-by-side view (sites with more than one language).
    pub(crate) compare_href: Option<String>,
    /// Escaped JSON for `<script type="application/ld+json">`.
    pub(crate) jsonld: String,
    /// The social-card image: the first screenshot with its boxes burned in.
    pub(crate) og_image: Option<OgImage>,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct OgImage {
    pub(crate) url: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

/// The side-by-side view: one row per text, source beside translation.
#[derive(Serialize, Debug, Clone)]
pub(crate) struct CompareView {
    pub(crate) title: TextView,
    pub(crate) source: CompareLang,
    pub(crate) target: CompareLang,
    pub(crate) tutorial_href: String,
    /// The same view with the other translations (sites with more than two languages).
    pub(crate) others: Vec<Link>,
    pub(crate) missing: usize,
    pub(crate) outdated: usize,
    pub(crate) rows: Vec<CompareRow>,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct CompareLang {
    pub(crate) code: String,
    pub(crate) html_lang: String,
    pub(crate) name: String,
    /// The tutorial's page in this language.
    pub(crate) href: String,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct CompareRow {
    pub(crate) heading: String,
    pub(crate) anchor: String,
    pub(crate) source: String,
    /// `None` when the translation is missing.
    pub(crate) target: Option<String>,
    /// `current`, `missing` or `outdated`.
    pub(crate) state: TranslationState,
    pub(crate) image: Option<ImageView>,
}

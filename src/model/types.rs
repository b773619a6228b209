//! The validated, immutable domain types. Built once by `model::build_site`, read by
//! every later stage, never mutated.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::ids::{CategoryPath, TutorialId};
use crate::diagnostics::Pos;
use crate::lang::Lang;

/// A translatable text: inline Markdown per language, or one text for every language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Localized {
    pub(crate) pos: Pos,
    /// Always holds the source language (checked while decoding). Sorted by language; a
    /// vector, not a map: a tree node per text made 100,000 tutorials take 2.6 GB.
    values: Vec<(Lang, Spanned)>,
    /// Written as a plain string: the same in every language, never "missing".
    same_everywhere: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Spanned {
    pub(crate) text: String,
    pub(crate) pos: Pos,
}

/// The text to show for one language, and whether it is the source text standing in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Resolved<'a> {
    pub(crate) text: &'a str,
    /// The language the text is written in.
    pub(crate) lang: &'a Lang,
    pub(crate) is_fallback: bool,
}

impl Localized {
    pub(crate) fn everywhere(text: String, pos: Pos, source: &Lang) -> Self {
        Localized { pos, values: vec![(source.clone(), Spanned { text, pos })], same_everywhere: true }
    }

    /// `values` must contain `source` (the decoder checks it).
    pub(crate) fn per_language(values: BTreeMap<Lang, Spanned>, pos: Pos) -> Self {
        Localized { pos, values: values.into_iter().collect(), same_everywhere: false }
    }

    fn entry(&self, lang: &str) -> Option<(&Lang, &Spanned)> {
        self.values.iter().find(|(l, _)| l.as_str() == lang).map(|(l, v)| (l, v))
    }

    /// The text in `lang`, or the source's standing in for it.
    pub(crate) fn get<'a>(&'a self, lang: &str, source: &str) -> Resolved<'a> {
        if let Some((l, v)) = self.entry(lang) {
            return Resolved { text: &v.text, lang: l, is_fallback: false };
        }
        // A text always holds the source language (the decoder sees to it).
        static NONE: std::sync::LazyLock<Lang> = std::sync::LazyLock::new(|| Lang::new(""));
        let (l, v) = self
            .entry(source)
            .or_else(|| self.values.first().map(|(l, v)| (l, v)))
            .map_or((&*NONE, ""), |(l, v)| (l, v.text.as_str()));
        Resolved { text: v, lang: l, is_fallback: !self.same_everywhere }
    }

    /// The source-language text.
    pub(crate) fn source<'a>(&'a self, source: &str) -> &'a str {
        self.get(source, source).text
    }

    /// The text written for `lang`, if any (a plain string only for the source).
    pub(crate) fn value(&self, lang: &str) -> Option<&Spanned> {
        self.entry(lang).map(|(_, v)| v)
    }

    /// Every text written, by language (a plain string is the source's).
    pub(crate) fn values(&self) -> impl Iterator<Item = (&Lang, &Spanned)> {
        self.values.iter().map(|(l, v)| (l, v))
    }

    /// Whether this text needs translating at all (a plain string is the same everywhere).
    pub(crate) fn is_translatable(&self) -> bool {
        !self.same_everywhere
    }
}

/// A calendar date, checked (no 2024-02-30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct Date {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

impl Date {
    pub(crate) fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
        if day == 0 || day > days {
            return None;
        }
        Some(Date { year: year as u16, month: month as u8, day: day as u8 })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A box over a screenshot, in fractions of its width and height.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
    pub(crate) label: Option<Localized>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum NoteKind {
    Tip,
    Note,
    Warning,
}

impl NoteKind {
    pub(crate) const NAMES: [&'static str; 3] = ["tip", "note", "warning"];

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "tip" => Some(NoteKind::Tip),
            "note" => Some(NoteKind::Note),
            "warning" => Some(NoteKind::Warning),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NoteKind::Tip => "tip",
            NoteKind::Note => "note",
            NoteKind::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Note {
    pub(crate) kind: NoteKind,
    pub(crate) text: Localized,
}

/// A step's screenshot: content-relative image paths per language (the source's always).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StepImage {
    pub(crate) pos: Pos,
    /// Language -> key into `Site::images`. Holds the source language.
    pub(crate) per_lang: BTreeMap<Lang, String>,
}

impl StepImage {
    pub(crate) fn for_lang<'a>(&'a self, lang: &str, source: &str) -> &'a str {
        self.per_lang.get(lang).or_else(|| self.per_lang.get(source)).map_or("", String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Step {
    pub(crate) pos: Pos,
    pub(crate) text: Localized,
    pub(crate) image: Option<StepImage>,
    pub(crate) alt: Option<Localized>,
    pub(crate) highlight: Vec<Rect>,
    pub(crate) redact: Vec<Rect>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tutorial {
    pub(crate) id: TutorialId,
    pub(crate) file: PathBuf,
    /// The fingerprint of the file's path and text: the tutorial is a function of them
    /// (and of the site's languages).
    pub(crate) source: u64,
    /// The folder it is in (the top of `content/` for a tutorial outside any category).
    pub(crate) category: CategoryPath,
    pub(crate) title: Localized,
    pub(crate) summary: Option<Localized>,
    pub(crate) date: Date,
    pub(crate) updated: Option<Date>,
    /// Tag slugs, in the order written.
    pub(crate) tags: Vec<String>,
    pub(crate) author: Option<String>,
    /// Explicit related ids, checked to exist.
    pub(crate) related: Vec<TutorialId>,
    pub(crate) steps: Vec<Step>,
    pub(crate) notes: Vec<Note>,
}

impl Tutorial {
    /// The date readers care about: the last update, else publication.
    pub(crate) fn last_changed(&self) -> Date {
        self.updated.unwrap_or(self.date)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Category {
    pub(crate) path: CategoryPath,
    /// `None` when the folder has no `_category.yaml` (its title is then the folder name).
    pub(crate) file: Option<PathBuf>,
    pub(crate) title: Localized,
    pub(crate) description: Option<Localized>,
    pub(crate) order: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Author {
    pub(crate) id: String,
    pub(crate) name: Localized,
    pub(crate) bio: Option<Localized>,
}

/// How a tag is shown: its name in `_tags.yaml` for the page's language, else as the
/// tutorials write it. Its URL is always its slug.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TagName {
    /// The spelling most tutorials use (the first met on a tie).
    pub(crate) written: String,
    /// From `_tags.yaml`.
    pub(crate) names: Option<Localized>,
}

impl TagName {
    pub(crate) fn get<'a>(&'a self, lang: &Lang, source: &Lang) -> &'a str {
        match self.names.as_ref().map(|n| n.get(lang, source)) {
            Some(r) if !r.is_fallback => r.text,
            _ => &self.written,
        }
    }
}

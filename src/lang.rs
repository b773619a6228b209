//! Languages: a language code ([`Lang`]), a site's languages with the source first
//! ([`Languages`]), and what a code is called (BCP 47 tag, name in itself).
//!
//! A leaf: everything above it names languages with these types, and "the first one is
//! the source" is said here and nowhere else.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// A language code as written in `site.toml`: `zh`, `en`, `pt-br`, `zh-hant`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lang(String);

impl Lang {
    /// A code read from a file that names languages (a text's keys, a lock record);
    /// whether the site has it is checked where it is read.
    pub(crate) fn new(code: impl Into<String>) -> Lang {
        Lang(code.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `zh`, `en`, `pt-br`, `zh-hant`: lowercase letters, optionally a region or script.
    pub(crate) fn is_valid_code(code: &str) -> bool {
        let mut parts = code.split('-');
        let first_ok =
            parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
        first_ok && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
    }

    /// The BCP 47 tag for `<html lang>` and hreflang: `zh` -> `zh-CN`, `pt-br` -> `pt-BR`.
    pub(crate) fn html_tag(&self) -> String {
        match self.as_str() {
            "zh" => "zh-CN".into(),
            "zh-hant" | "zh-tw" => "zh-TW".into(),
            c => match c.split_once('-') {
                Some((l, r)) if r.len() == 2 => format!("{l}-{}", r.to_uppercase()),
                _ => c.to_string(),
            },
        }
    }

    /// The language's name in itself, for language switchers.
    pub(crate) fn name(&self) -> &str {
        match self.0.split('-').next().unwrap_or(&self.0) {
            "zh" => "中文",
            "en" => "English",
            "ja" => "日本語",
            "ko" => "한국어",
            "fr" => "Français",
            "de" => "Deutsch",
            "es" => "Español",
            "pt" => "Português",
            "ru" => "Русский",
            "vi" => "Tiếng Việt",
            "th" => "ไทย",
            "id" => "Bahasa Indonesia",
            "ar" => "العربية",
            _ => &self.0,
        }
    }
}

impl Deref for Lang {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Lang {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Lang {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Lang {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A site's languages: at least one, no repeats, the source language first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Languages(Vec<Lang>);

impl Languages {
    /// `None` for an empty list (`config` reports it).
    pub(crate) fn new(all: Vec<Lang>) -> Option<Languages> {
        (!all.is_empty()).then_some(Languages(all))
    }

    /// The language texts are written in first; every other language translates it.
    pub(crate) fn source(&self) -> &Lang {
        &self.0[0]
    }

    /// The languages translated into: every one but the source.
    pub fn targets(&self) -> &[Lang] {
        &self.0[1..]
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Lang> {
        self.0.iter()
    }

    /// How many languages (at least one: a site always has its source language).
    pub(crate) fn count(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn is_source(&self, lang: &str) -> bool {
        self.source() == lang
    }

    /// The site's own value for a code, if the site has that language.
    pub(crate) fn get(&self, code: &str) -> Option<&Lang> {
        self.0.iter().find(|l| l.as_str() == code)
    }

    /// Where `code` is in the list (0 is the source).
    pub(crate) fn position(&self, code: &str) -> Option<usize> {
        self.0.iter().position(|l| l.as_str() == code)
    }
}

impl<'a> IntoIterator for &'a Languages {
    type Item = &'a Lang;
    type IntoIter = std::slice::Iter<'a, Lang>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_names_and_codes() {
        assert_eq!(Lang::new("zh").html_tag(), "zh-CN");
        assert_eq!(Lang::new("en").html_tag(), "en");
        assert_eq!(Lang::new("pt-br").html_tag(), "pt-BR");
        assert_eq!(Lang::new("ja").name(), "日本語");
        assert!(Lang::is_valid_code("zh-hant") && !Lang::is_valid_code("EN") && !Lang::is_valid_code("e"));
    }

    #[test]
    fn the_first_language_is_the_source() {
        let langs = Languages::new(vec![Lang::new("zh"), Lang::new("en"), Lang::new("ja")]).unwrap();
        assert_eq!(langs.source(), "zh");
        assert_eq!(langs.targets(), [Lang::new("en"), Lang::new("ja")]);
        assert!(langs.is_source("zh") && !langs.is_source("en"));
        assert_eq!(langs.position("ja"), Some(2));
        assert!(Languages::new(Vec::new()).is_none());
    }
}

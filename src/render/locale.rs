//! The theme's UI strings per language (`t` in templates: "方法/步骤", "Similar Q&A") and
//! what else is worded per language: dates.

use std::collections::BTreeMap;

use tera::Context;

use crate::lang::{Lang, Languages};
use crate::model::Date;
use crate::theme::Theme;

/// A theme's UI strings in one language, by key.
pub(super) type Strings = BTreeMap<String, String>;

pub(super) struct Locales {
    strings: BTreeMap<Lang, Strings>,
    /// Per language, a context holding `t`: cloning it is cheaper than serializing the
    /// strings again for every page.
    contexts: BTreeMap<Lang, Context>,
}

impl Locales {
    pub(super) fn new(theme: &Theme, languages: &Languages) -> Locales {
        let strings: BTreeMap<Lang, Strings> = languages.iter().map(|l| (l.clone(), theme.strings_for(l))).collect();
        let contexts = strings
            .iter()
            .map(|(lang, t)| {
                let mut ctx = Context::new();
                ctx.insert("t", t);
                (lang.clone(), ctx)
            })
            .collect();
        Locales { strings, contexts }
    }

    /// One UI string; empty if the theme has none by that key.
    pub(super) fn t<'a>(&'a self, lang: &str, key: &str) -> &'a str {
        self.strings.get(lang).and_then(|s| s.get(key)).map_or("", String::as_str)
    }

    /// A new page context for `lang`, holding its strings as `t`.
    pub(super) fn context(&self, lang: &str) -> Context {
        self.contexts.get(lang).cloned().unwrap_or_default()
    }

    /// A date as `lang` writes it (`date_format`, with `months` for month names).
    pub(super) fn date(&self, lang: &str, date: Date) -> String {
        let months = self.t(lang, "months");
        let names: Vec<&str> = months.split(',').map(str::trim).collect();
        let month = names.get(usize::from(date.month) - 1).copied().unwrap_or("");
        self.t(lang, "date_format")
            .replace("{year}", &date.year.to_string())
            .replace("{month}", &date.month.to_string())
            .replace("{month_name}", month)
            .replace("{day}", &date.day.to_string())
    }
}

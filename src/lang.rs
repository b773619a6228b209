//! Languages: a language code ([`Lang`]), a site's languages with the source first
//! ([`Languages`]), and what a code is called (BCP 47 tag, name in itself). Which
//! two-letter codes are languages (ISO 639-1), and the codes people write by mistake
//! (`jp` for `ja`), are listed here too.
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

    /// Why `code` (shaped like a code) names no language, with the code meant when the
    /// mistake is a common one: `jp` -> `ja` (a country code for a language code), `eng`
    /// -> `en`. `None` for a code whose language part is an ISO 639-1 code (or three
    /// letters: ISO 639-2/3 has too many to list).
    pub(crate) fn unknown_code(code: &str) -> Option<UnknownCode> {
        let (primary, rest) = code.split_once('-').map_or((code, None), |(p, r)| (p, Some(r)));
        let mistake = COMMON_MISTAKES.iter().find(|(wrong, _, _)| *wrong == primary);
        if mistake.is_none() && (primary.len() == 3 || ISO_639_1.contains(&primary)) {
            return None;
        }
        let meant = mistake.map(|(_, right, why)| {
            let right = match rest {
                Some(r) => format!("{right}-{r}"),
                None => (*right).to_string(),
            };
            (right, *why)
        });
        Some(UnknownCode { meant })
    }

    /// For a real code that is often a mistake (`kr`, Kanuri, for Korea): the code
    /// likely meant and why.
    pub(crate) fn doubtful(&self) -> Option<(&'static str, &'static str)> {
        DOUBTFUL.iter().find(|(code, _, _)| *code == self.as_str()).map(|(_, meant, why)| (*meant, *why))
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

/// Real language codes that are more often written for a country's language by mistake:
/// the code, the one likely meant, and why.
const DOUBTFUL: &[(&str, &str, &str)] = &[
    ("kr", "ko", "`kr` is Kanuri; Korean is `ko`"),
    ("se", "sv", "`se` is Northern Sami; Swedish is `sv`"),
    ("br", "pt-br", "`br` is Breton; Portuguese as written in Brazil is `pt-br`"),
    ("tw", "zh-tw", "`tw` is Twi; Chinese as written in Taiwan is `zh-tw`"),
];

/// A code that is no language's; see [`Lang::unknown_code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownCode {
    /// The code most likely meant, and why the written one is not it.
    pub(crate) meant: Option<(String, &'static str)>,
}

/// The two-letter language codes of ISO 639-1.
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm", "bn", "bo",
    "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo",
    "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi",
    "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka",
    "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng",
    "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn",
    "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur",
    "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Codes people write for a language that are something else: a country's code, an
/// ISO 639-2 code where a two-letter one exists (BCP 47 wants the shortest), a withdrawn
/// code. A country code that is also some language's code (`kr` is Kanuri, `se` Northern
/// Sami) is not listed: the site may mean that language.
const COMMON_MISTAKES: &[(&str, &str, &str)] = &[
    ("jp", "ja", "`jp` is Japan's country code; Japanese is `ja`"),
    ("cn", "zh", "`cn` is China's country code; Chinese is `zh`"),
    ("hk", "zh-hk", "`hk` is Hong Kong's country code; Chinese as written there is `zh-hk`"),
    ("kp", "ko", "`kp` is North Korea's country code; Korean is `ko`"),
    ("gr", "el", "`gr` is Greece's country code; Greek is `el`"),
    ("dk", "da", "`dk` is Denmark's country code; Danish is `da`"),
    ("cz", "cs", "`cz` is Czechia's country code; Czech is `cs`"),
    ("ua", "uk", "`ua` is Ukraine's country code; Ukrainian is `uk`"),
    ("vn", "vi", "`vn` is Vietnam's country code; Vietnamese is `vi`"),
    ("us", "en", "`us` is a country code; English is `en` (`en-us` for American English)"),
    ("gb", "en", "`gb` is a country code; English is `en` (`en-gb` for British English)"),
    ("sp", "es", "Spanish is `es`"),
    ("ge", "ka", "`ge` is Georgia's country code; Georgian is `ka`"),
    ("al", "sq", "`al` is Albania's country code; Albanian is `sq`"),
    ("rs", "sr", "`rs` is Serbia's country code; Serbian is `sr`"),
    ("ir", "fa", "`ir` is Iran's country code; Persian is `fa`"),
    ("il", "he", "`il` is Israel's country code; Hebrew is `he`"),
    ("in", "id", "`in` is a withdrawn code; Indonesian is `id` (Hindi is `hi`)"),
    ("iw", "he", "`iw` is a withdrawn code; Hebrew is `he`"),
    ("ji", "yi", "`ji` is a withdrawn code; Yiddish is `yi`"),
    ("jw", "jv", "`jw` is a withdrawn code; Javanese is `jv`"),
    ("mo", "ro", "`mo` is a withdrawn code; Romanian is `ro`"),
    ("pk", "ur", "`pk` is Pakistan's country code; Urdu is `ur`"),
    ("bd", "bn", "`bd` is Bangladesh's country code; Bengali is `bn`"),
    ("kh", "km", "`kh` is Cambodia's country code; Khmer is `km`"),
    ("mm", "my", "`mm` is Myanmar's country code; Burmese is `my`"),
    ("np", "ne", "`np` is Nepal's country code; Nepali is `ne`"),
    ("lk", "si", "`lk` is Sri Lanka's country code; Sinhala is `si`"),
    ("ph", "tl", "`ph` is the Philippines' country code; Tagalog is `tl` (Filipino `fil`)"),
    ("eng", "en", "BCP 47 uses the two-letter code where there is one: English is `en`"),
    ("chi", "zh", "BCP 47 uses the two-letter code where there is one: Chinese is `zh`"),
    ("zho", "zh", "BCP 47 uses the two-letter code where there is one: Chinese is `zh`"),
    ("chn", "zh", "Chinese is `zh`"),
    ("jpn", "ja", "BCP 47 uses the two-letter code where there is one: Japanese is `ja`"),
    ("kor", "ko", "BCP 47 uses the two-letter code where there is one: Korean is `ko`"),
    ("fra", "fr", "BCP 47 uses the two-letter code where there is one: French is `fr`"),
    ("fre", "fr", "BCP 47 uses the two-letter code where there is one: French is `fr`"),
    ("deu", "de", "BCP 47 uses the two-letter code where there is one: German is `de`"),
    ("ger", "de", "BCP 47 uses the two-letter code where there is one: German is `de`"),
    ("spa", "es", "BCP 47 uses the two-letter code where there is one: Spanish is `es`"),
    ("por", "pt", "BCP 47 uses the two-letter code where there is one: Portuguese is `pt`"),
    ("rus", "ru", "BCP 47 uses the two-letter code where there is one: Russian is `ru`"),
    ("ita", "it", "BCP 47 uses the two-letter code where there is one: Italian is `it`"),
    ("vie", "vi", "BCP 47 uses the two-letter code where there is one: Vietnamese is `vi`"),
    ("tha", "th", "BCP 47 uses the two-letter code where there is one: Thai is `th`"),
    ("ind", "id", "BCP 47 uses the two-letter code where there is one: Indonesian is `id`"),
    ("ara", "ar", "BCP 47 uses the two-letter code where there is one: Arabic is `ar`"),
];

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
    fn knows_language_codes_from_country_codes() {
        assert_eq!(Lang::unknown_code("en"), None);
        assert_eq!(Lang::unknown_code("pt-br"), None);
        assert_eq!(Lang::unknown_code("yue"), None, "three-letter codes are not listed");
        let jp = Lang::unknown_code("jp").unwrap().meant.unwrap();
        assert_eq!(jp, ("ja".to_string(), "`jp` is Japan's country code; Japanese is `ja`"));
        assert_eq!(Lang::unknown_code("cn-hans").unwrap().meant.unwrap().0, "zh-hans");
        assert_eq!(Lang::unknown_code("eng").unwrap().meant.unwrap().0, "en");
        assert_eq!(Lang::unknown_code("xx"), Some(UnknownCode { meant: None }));
        assert_eq!(Lang::unknown_code("kr"), None, "Kanuri");
        assert_eq!(Lang::new("kr").doubtful(), Some(("ko", "`kr` is Kanuri; Korean is `ko`")));
        // Every suggestion is itself a code, and no mistake is some language's code.
        for (wrong, right, _) in COMMON_MISTAKES {
            assert!(!ISO_639_1.contains(wrong), "{wrong}");
            let primary = right.split('-').next().unwrap();
            assert!(ISO_639_1.contains(&primary), "{right}");
        }
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

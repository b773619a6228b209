//! `site.toml` -> [`SiteConfig`]: the site-wide settings, checked once.
//!
//! The raw serde struct mirrors the file exactly (unknown keys are errors); the resolved
//! config is what the rest of the program reads and is never mutated.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::controls;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos, did_you_mean};
use crate::lang::{Lang, Languages};
use crate::screenshot::Limits;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    languages: Vec<String>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    title: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
    #[serde(default)]
    images: RawImages,
    #[serde(default)]
    i18n: RawI18n,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawI18n {
    badges: Option<bool>,
    side_by_side: Option<bool>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImages {
    widths: Option<Vec<u32>>,
    max_file_mb: Option<u64>,
    max_megapixels: Option<u64>,
}

fn default_theme() -> String {
    "default".into()
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    /// Without a trailing slash: `https://help.example.com` or `https://x.org/help`.
    pub(crate) base_url: String,
    pub languages: Languages,
    pub(crate) theme: String,
    /// Per language; every language has an entry (falling back to the source's).
    pub(crate) title: BTreeMap<Lang, String>,
    pub(crate) description: BTreeMap<Lang, String>,
    pub(crate) images: ImageSettings,
    /// Show "not yet translated" / "may be outdated" badges on pages (`[i18n] badges`).
    pub(crate) translation_badges: bool,
    /// Write the side-by-side view of every tutorial (`[i18n] side_by_side`; on by
    /// default in a site with more than one language).
    pub(crate) side_by_side: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImageSettings {
    pub(crate) widths: Vec<u32>,
    pub(crate) limits: Limits,
}

impl SiteConfig {
    pub(crate) fn source_lang(&self) -> &Lang {
        self.languages.source()
    }

    /// The site's title in `lang`.
    pub(crate) fn title(&self, lang: &str) -> &str {
        self.title.get(lang).map_or("", String::as_str)
    }

    /// The site's description in `lang` (empty when it has none).
    pub(crate) fn description(&self, lang: &str) -> &str {
        self.description.get(lang).map_or("", String::as_str)
    }

    /// The path part of `base_url`, e.g. `/help/` (always starting and ending with `/`).
    pub(crate) fn base_path(&self) -> String {
        let after_scheme = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, r)| r);
        match after_scheme.find('/') {
            Some(i) => format!("{}/", after_scheme[i..].trim_end_matches('/')),
            None => "/".into(),
        }
    }

    /// An absolute URL for a site path like `zh/amazon/` (no leading slash).
    pub(crate) fn absolute(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path)
    }
}

/// Reads and checks `site.toml` in `root`.
pub(crate) fn load(root: &Path) -> Result<SiteConfig, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let mut diags = Diagnostics::new();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::error(&path, None, format!("cannot read the site configuration: {e}"))
                    .with_hint("run `stepwise init DIR` to create a site, or pass `--root DIR`"),
            );
            return Err(diags);
        }
    };
    match parse(&text) {
        Ok(config) => Ok(config),
        Err(problems) => {
            for (pos, message, hint) in problems {
                let mut d = Diagnostic::error(&path, pos, message);
                if let Some(h) = hint {
                    d = d.with_hint(h);
                }
                diags.push(d);
            }
            Err(diags)
        }
    }
}

type Problem = (Option<Pos>, String, Option<String>);

/// Parses the text of `site.toml`; returns every problem found.
pub(crate) fn parse(text: &str) -> Result<SiteConfig, Vec<Problem>> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let pos = e.span().map(|s| offset_to_pos(text, s.start));
        let message = e.message().trim().to_string();
        let hint = unknown_field_hint(&message);
        vec![(pos, format!("invalid site.toml: {message}"), hint)]
    })?;
    let find = |key: &str| find_key(text, key);
    let mut problems: Vec<Problem> = Vec::new();

    let base_url = raw.base_url.trim_end_matches('/').to_string();
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) || base_url.len() < 10 {
        problems.push((
            find("base_url"),
            format!("`base_url` must be an absolute http(s) URL, found `{}`", raw.base_url),
            Some("for example: base_url = \"https://help.example.com\"".into()),
        ));
    }

    if raw.languages.is_empty() {
        problems.push((
            find("languages"),
            "`languages` must list at least one language".into(),
            Some("languages = [\"zh\", \"en\"]".into()),
        ));
    }
    for (i, lang) in raw.languages.iter().enumerate() {
        if !Lang::is_valid_code(lang) {
            problems.push((
                find("languages"),
                format!("`{lang}` is not a language code"),
                Some("use lowercase codes such as \"zh\", \"en\", \"ja\" or \"pt-br\"".into()),
            ));
        }
        if raw.languages[..i].contains(lang) {
            problems.push((find("languages"), format!("language `{lang}` is listed twice"), None));
        }
    }
    for (table, map) in [("title", &raw.title), ("description", &raw.description)] {
        for key in map.keys() {
            if !raw.languages.contains(key) {
                let hint = did_you_mean(key, raw.languages.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("the site's languages are {}", raw.languages.join(", ")));
                problems.push((
                    find_key_in(text, table, key),
                    format!("`{key}` in [{table}] is not one of the site's languages"),
                    Some(hint),
                ));
            }
        }
    }

    for (table, map) in [("title", &raw.title), ("description", &raw.description)] {
        for (key, value) in map {
            let chars = controls::found(value);
            if chars.is_empty() {
                continue;
            }
            let names: Vec<String> = chars.iter().map(|&c| controls::name(c)).collect();
            let what = if chars.len() == 1 { "the invisible character" } else { "the invisible characters" };
            problems.push((
                find_key_in(text, table, key).map(|p| escape_in_line(text, p)),
                format!("`{table}.{key}` contains {what} {}", names.join(", ")),
                Some("remove it: an escape such as `\\u0007` or `\\b` writes one".into()),
            ));
        }
    }

    let widths = raw.images.widths.unwrap_or_else(|| vec![480, 960]);
    if widths.is_empty() || widths.iter().any(|&w| !(16..=8192).contains(&w)) {
        problems.push((find("widths"), "[images] widths must be between 16 and 8192 pixels".into(), None));
    }
    let mut widths = widths;
    widths.sort_unstable();
    widths.dedup();

    if !problems.is_empty() {
        return Err(problems);
    }
    let source = raw.languages[0].clone();
    let fill = |map: &BTreeMap<String, String>, default: &str| -> BTreeMap<Lang, String> {
        raw.languages
            .iter()
            .map(|l| {
                let v = map.get(l).or_else(|| map.get(&source)).cloned().unwrap_or_else(|| default.to_string());
                (Lang::new(l.as_str()), v)
            })
            .collect()
    };
    let side_by_side = raw.i18n.side_by_side.unwrap_or(true) && raw.languages.len() > 1;
    let title = fill(&raw.title, "Help Center");
    let description = fill(&raw.description, "");
    let Some(languages) = Languages::new(raw.languages.into_iter().map(Lang::new).collect()) else {
        return Err(vec![(find("languages"), "`languages` must list at least one language".into(), None)]);
    };
    Ok(SiteConfig {
        base_url,
        title,
        description,
        languages,
        theme: raw.theme,
        images: ImageSettings {
            widths,
            limits: Limits {
                max_file_bytes: raw.images.max_file_mb.unwrap_or(20) * 1024 * 1024,
                max_pixels: raw.images.max_megapixels.unwrap_or(40) * 1_000_000,
            },
        },
        translation_badges: raw.i18n.badges.unwrap_or(true),
        side_by_side,
    })
}

fn unknown_field_hint(message: &str) -> Option<String> {
    // toml's message: "unknown field `langs`, expected one of `a`, `b`"
    let rest = message.strip_prefix("unknown field `")?;
    let (word, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    did_you_mean(word, expected.iter().copied()).map(|s| format!("did you mean `{s}`?"))
}

fn offset_to_pos(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, col }
}

/// The position of `key =` at the start of a line, for messages about values serde accepted.
fn find_key(text: &str, key: &str) -> Option<Pos> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset_to_pos(text, offset + (line.len() - trimmed.len())));
        }
        offset += line.len();
    }
    None
}

/// The escape on the line of `key` (at `at`) that writes a character no output may hold,
/// else `at` itself.
fn escape_in_line(text: &str, at: Pos) -> Pos {
    let line = text.lines().nth(at.line.saturating_sub(1)).unwrap_or("");
    let mut chars = line.char_indices().enumerate().skip(at.col.saturating_sub(1));
    while let Some((col, (i, c))) = chars.next() {
        if controls::is_forbidden(c) {
            return Pos { line: at.line, col: col + 1 };
        }
        if c != '\\' {
            continue;
        }
        let Some((_, (_, e))) = chars.next() else { break };
        let written = match e {
            'b' => Some('\u{8}'),
            'f' => Some('\u{C}'),
            'r' => Some('\r'),
            'e' => Some('\u{1B}'),
            'x' | 'u' | 'U' => {
                let digits = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = line.get(i + 2..).unwrap_or("").chars().take(digits).collect();
                u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
            }
            _ => None,
        };
        if written.is_some_and(controls::is_forbidden) {
            return Pos { line: at.line, col: col + 1 };
        }
    }
    at
}

fn find_key_in(text: &str, table: &str, key: &str) -> Option<Pos> {
    let header = format!("[{table}]");
    let start = text.find(&header)?;
    find_key(&text[start..], key).map(|p| {
        let base = offset_to_pos(text, start);
        Pos { line: base.line + p.line - 1, col: p.col }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "base_url = \"https://help.example.com/\"\nlanguages = [\"zh\", \"en\"]\n[title]\nzh = \"帮助\"\n";

    #[test]
    fn parses_and_fills_defaults() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.base_url, "https://help.example.com");
        assert_eq!(c.source_lang(), "zh");
        assert_eq!(c.title("en"), "帮助", "missing titles fall back to the source language");
        assert_eq!(c.images.widths, vec![480, 960]);
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn base_path_of_a_subfolder_site() {
        let c = parse(&GOOD.replace("help.example.com/", "example.com/docs/help")).unwrap();
        assert_eq!(c.base_path(), "/docs/help/");
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let errs = parse("base_url = \"https://a.example\"\nlanguages = [\"en\"]\nthme = \"x\"\n").unwrap_err();
        assert_eq!(errs[0].0, Some(Pos { line: 3, col: 1 }));
        assert_eq!(errs[0].2.as_deref(), Some("did you mean `theme`?"));
    }

    #[test]
    fn reports_bad_languages_at_once() {
        let errs =
            parse("base_url = \"https://a.example\"\nlanguages = [\"zh\", \"EN\", \"zh\"]\n[title]\neng = \"x\"\n")
                .unwrap_err();
        let messages: Vec<&str> = errs.iter().map(|e| e.1.as_str()).collect();
        assert!(messages.contains(&"`EN` is not a language code"), "{messages:?}");
        assert!(messages.contains(&"language `zh` is listed twice"));
        assert!(messages.contains(&"`eng` in [title] is not one of the site's languages"));
        assert_eq!(errs[2].0, Some(Pos { line: 4, col: 1 }));
    }
}

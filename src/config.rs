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
/// A site.toml is a few hundred bytes; this is room for any real one.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

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
    /// Write the side-by-side view of every tutorial (`[i18n] side_by_side`).
    pub(crate) side_by_side: SideBySide,
}

/// When the side-by-side views of translations are written. They are a translator's tool
/// (`noindex`, never linked for readers), so a published build leaves them out unless the
/// site asks for them by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SideBySide {
    /// `[i18n] side_by_side = true`: in every build, `--production` included.
    Always,
    /// Not set: in `serve` and `build`, not in `build --production`.
    ExceptPublished,
    /// `[i18n] side_by_side = false`, or a site with one language.
    Never,
}

impl SideBySide {
    pub(crate) fn wanted(self, production: bool) -> bool {
        match self {
            SideBySide::Always => true,
            SideBySide::ExceptPublished => !production,
            SideBySide::Never => false,
        }
    }
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
    let text = match crate::load::file::read(&path, &crate::load::site_folder(root), MAX_CONFIG_BYTES) {
        Ok(bytes) => match crate::load::decode_utf8(bytes) {
            Ok(text) => text,
            Err(pos) => {
                diags.push(
                    Diagnostic::error(&path, Some(pos), "the file is not valid UTF-8").with_hint("save it as UTF-8"),
                );
                return Err(diags);
            }
        },
        Err(e) => {
            let message = match &e {
                crate::load::file::ReadError::Io(err) => format!("cannot read the site configuration: {err}"),
                _ => e.message(),
            };
            let d = Diagnostic::error(&path, None, message);
            diags.push(match e.hint() {
                Some(h) => d.with_hint(h),
                None => d.with_hint("run `stepwise init DIR` to create a site, or pass `--root DIR`"),
            });
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

    let base_url = match base_url(&raw.base_url) {
        Ok(url) => url,
        Err(why) => {
            problems.push((
                find("base_url"),
                format!("`base_url` {why}: `{}`", raw.base_url.escape_debug()),
                Some("for example: base_url = \"https://help.example.com\" or \"https://example.com/help\"".into()),
            ));
            String::new()
        }
    };

    if raw.languages.is_empty() {
        problems.push((
            find("languages"),
            "`languages` must list at least one language".into(),
            Some("languages = [\"zh\", \"en\"]".into()),
        ));
    }
    for (i, lang) in raw.languages.iter().enumerate() {
        let at = find_value(text, "languages", lang);
        let examples = "use ISO 639-1 codes such as \"zh\", \"en\", \"ja\" or \"pt-br\" (a region after `-`)";
        if !Lang::is_valid_code(lang) {
            let lower = lang.to_lowercase();
            let hint = if lower != *lang && Lang::is_valid_code(&lower) {
                format!("write it in lowercase: \"{lower}\"")
            } else {
                examples.to_string()
            };
            problems.push((at, format!("`{lang}` is not a language code"), Some(hint)));
        } else if let Some(unknown) = Lang::unknown_code(lang) {
            let hint = match unknown.meant {
                Some((meant, why)) => format!("did you mean `{meant}`? {why}"),
                None => examples.to_string(),
            };
            problems.push((at, format!("`{lang}` is not a language code"), Some(hint)));
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
    let side_by_side = match raw.i18n.side_by_side {
        _ if raw.languages.len() < 2 => SideBySide::Never,
        None => SideBySide::ExceptPublished,
        Some(true) => SideBySide::Always,
        Some(false) => SideBySide::Never,
    };
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

/// Checks `base_url` and writes it the one way every output uses: scheme and host in
/// lowercase, the path percent-encoded, no trailing `/`. It is written into robots.txt,
/// the sitemap, feeds, canonical links and structured data, so it must be a plain
/// absolute http(s) URL: a host, no user or password, no query or fragment, nothing a
/// reader of those files would take for the end of the URL (spaces, quotes, `<`, `>`,
/// backslashes, control characters). The error says why (after "`base_url` ").
fn base_url(raw: &str) -> Result<String, String> {
    if let Some(c) = raw
        .chars()
        .find(|&c| c.is_control() || c.is_whitespace() || controls::is_forbidden(c) || "\"'<>\\^`{|}".contains(c))
    {
        let what = match c {
            ' ' => "a space".to_string(),
            '"' | '\'' => "a quote".to_string(),
            '\\' => "a backslash".to_string(),
            c if c.is_control() || controls::is_forbidden(c) => controls::name(c),
            c => format!("`{c}`"),
        };
        return Err(format!("cannot hold {what}"));
    }
    let lower = raw.to_ascii_lowercase();
    let (scheme, rest) = match (lower.strip_prefix("https://"), lower.strip_prefix("http://")) {
        (Some(_), _) => ("https", &raw["https://".len()..]),
        (_, Some(_)) => ("http", &raw["http://".len()..]),
        _ => return Err("must be an absolute URL starting with https:// or http://".into()),
    };
    if rest.contains(['?', '#']) {
        return Err("cannot have a query (`?`) or a fragment (`#`)".into());
    }
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    if authority.contains('@') {
        return Err("cannot hold a user name or password".into());
    }
    // `[::1]:8443` (an IPv6 literal in brackets) or `host:8443`.
    let split_at = if authority.starts_with('[') {
        authority.find(']').and_then(|end| authority[end..].find(':').map(|i| end + i))
    } else {
        authority.rfind(':')
    };
    let (host, port) = match split_at {
        Some(i) => (&authority[..i], Some(&authority[i + 1..])),
        None => (authority, None),
    };
    let valid_host = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !inner.is_empty() && inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty()
            && host.split('.').enumerate().all(|(i, label)| {
                // A trailing dot (a fully qualified name) leaves one empty label at the end.
                (label.is_empty() && i > 0 && host.ends_with('.') && i == host.split('.').count() - 1)
                    || (!label.is_empty()
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            })
    };
    if !valid_host {
        return Err(if host.is_empty() {
            "has no host name".into()
        } else if !host.is_ascii() {
            "has a host name that is not ASCII (write its xn-- form)".into()
        } else {
            format!("has an invalid host name, `{host}`")
        });
    }
    if let Some(p) = port
        && !(p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0))
    {
        return Err(format!("has an invalid port, `{p}`"));
    }
    let mut path_out = String::with_capacity(path.len());
    let bytes = path.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'%' if !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) =>
            {
                return Err("has a `%` that does not start an escape like `%20`".into());
            }
            b if b.is_ascii() => path_out.push(b as char),
            b => path_out.push_str(&format!("%{b:02X}")),
        }
    }
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    Ok(format!("{scheme}://{}{port}{}", host.to_ascii_lowercase(), path_out.trim_end_matches('/')))
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

/// The position of `"value"` in the value of `key =` (an array may span lines), else of
/// the key.
fn find_value(text: &str, key: &str, value: &str) -> Option<Pos> {
    let at = find_key(text, key)?;
    let start: usize = text.split_inclusive('\n').take(at.line - 1).map(str::len).sum();
    let rest = &text[start..];
    let end = rest.find(']').unwrap_or(rest.len());
    [format!("\"{value}\""), format!("'{value}'")]
        .iter()
        .filter_map(|quoted| rest[..end].find(quoted.as_str()))
        .min()
        .map(|i| offset_to_pos(text, start + i))
        .or(Some(at))
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
        // TOML's one-letter escapes that write a control character.
        let written = controls::escaped(e, line.get(i + 2..).unwrap_or(""), |e| match e {
            'b' => Some('\u{8}'),
            'f' => Some('\u{C}'),
            'r' => Some('\r'),
            'e' => Some('\u{1B}'),
            _ => None,
        });
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
    fn base_url_is_checked_and_written_one_way() {
        for (raw, expected) in [
            ("https://help.example.com/", "https://help.example.com"),
            ("HTTPS://Help.Example.COM/Docs/", "https://help.example.com/Docs"),
            ("http://127.0.0.1:8080/a/b", "http://127.0.0.1:8080/a/b"),
            ("https://[::1]:8443/", "https://[::1]:8443"),
            ("https://example.com/帮助/", "https://example.com/%E5%B8%AE%E5%8A%A9"),
            ("https://example.com/a%20b", "https://example.com/a%20b"),
        ] {
            assert_eq!(base_url(raw).as_deref(), Ok(expected), "{raw}");
        }
        for (raw, why) in [
            ("help.example.com", "must be an absolute URL starting with https:// or http://"),
            ("ftp://help.example.com", "must be an absolute URL starting with https:// or http://"),
            ("https://", "has no host name"),
            ("https:///path", "has no host name"),
            ("https://a.example/x?y=1", "cannot have a query (`?`) or a fragment (`#`)"),
            ("https://a.example/#top", "cannot have a query (`?`) or a fragment (`#`)"),
            ("https://user:pw@a.example", "cannot hold a user name or password"),
            ("https://a.example/\">", "cannot hold a quote"),
            ("https://a.example/<script>", "cannot hold `<`"),
            ("https://a.example\nDisallow: /", "cannot hold U+000A (line feed)"),
            ("https://a example", "cannot hold a space"),
            ("https://a.example\\evil", "cannot hold a backslash"),
            ("https://a_b.example", "has an invalid host name, `a_b.example`"),
            ("https://a.example:99999", "has an invalid port, `99999`"),
            ("https://a.example:", "has an invalid port, ``"),
            ("https://[::1", "has an invalid host name, `[::1`"),
            ("https://例子.example", "has a host name that is not ASCII (write its xn-- form)"),
            ("https://a.example/100%", "has a `%` that does not start an escape like `%20`"),
        ] {
            assert_eq!(base_url(raw), Err(why.to_string()), "{raw}");
        }
        let errs = parse("base_url = \"https://a.example/x?y\"\nlanguages = [\"en\"]\n").unwrap_err();
        assert_eq!(errs[0].0, Some(Pos { line: 1, col: 1 }));
        assert_eq!(errs[0].1, "`base_url` cannot have a query (`?`) or a fragment (`#`): `https://a.example/x?y`");
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
    fn a_country_code_is_not_a_language_code() {
        let errs = parse("base_url = \"https://a.example\"\nlanguages = [\"zh\", \"jp\"]\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].0, Some(Pos { line: 2, col: 20 }));
        assert_eq!(errs[0].1, "`jp` is not a language code");
        assert_eq!(errs[0].2.as_deref(), Some("did you mean `ja`? `jp` is Japan's country code; Japanese is `ja`"));
        let errs = parse("base_url = \"https://a.example\"\nlanguages = [\"EN\"]\n").unwrap_err();
        assert_eq!(errs[0].2.as_deref(), Some("write it in lowercase: \"en\""));
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

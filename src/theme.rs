//! The theme: templates, static files and the per-language UI strings.
//!
//! The default theme is embedded in the binary, so `stepwise` works from any folder. A
//! site's `themes/NAME/` replaces it file by file, and the site's own `templates/` folder
//! overrides any template of the theme with the same name. `stepwise theme eject` writes
//! the default theme out ([`eject`]) for a site that wants to change it. Theme files are
//! read like content (`load::file`): regular files only, links only inside their folder,
//! bounded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::file::{self, Folder};

/// A template or a strings table is text of a few kilobytes.
const MAX_TEXT_BYTES: u64 = 2 * 1024 * 1024;
/// A static file may be a font or an image.
const MAX_STATIC_BYTES: u64 = 50 * 1024 * 1024;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, by name.
pub(crate) const DEFAULT_TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "components.html",
    "root.html",
    "index.html",
    "category.html",
    "tutorial.html",
    "compare.html",
    "tags.html",
    "tag.html",
    "search.html",
    "404.html",
);

pub(crate) const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../themes/default/static/style.css")),
    ("search.js", include_bytes!("../themes/default/static/search.js")),
    ("favicon.svg", include_bytes!("../themes/default/static/favicon.svg")),
];

pub(crate) const DEFAULT_STRINGS: &str = include_str!("../themes/default/strings.toml");

/// The suffix of a string's form for the number 1 (`questions_one`); the string without
/// it is the form for every other number (see the `plural` template filter).
const PLURAL_ONE: &str = "_one";

#[derive(Debug, Clone)]
pub(crate) struct Theme {
    /// Template name -> (text, where it came from for messages).
    pub(crate) templates: BTreeMap<String, (String, PathBuf)>,
    /// Output-relative path -> bytes.
    pub(crate) static_files: BTreeMap<String, Vec<u8>>,
    /// Language -> key -> text.
    pub(crate) strings: BTreeMap<String, BTreeMap<String, String>>,
}

impl Theme {
    /// The fingerprint of every template, static file and string: pages are made from them.
    pub(crate) fn fingerprint(&self) -> u64 {
        let mut f = crate::fingerprint::Fingerprint::new();
        for (name, (text, file)) in &self.templates {
            f.str(name).str(text).debug(file);
        }
        for (name, bytes) in &self.static_files {
            f.str(name).bytes(bytes);
        }
        f.debug(&self.strings);
        f.finish()
    }

    /// The UI strings for `lang`: its own table, completed from English, then from any.
    pub(crate) fn strings_for(&self, lang: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for table in self.strings.values() {
            for (k, v) in table {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        for fallback in ["en", lang] {
            if let Some(table) = self.strings.get(fallback) {
                out.extend(table.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        // A language that gives a word but no singular of it (Chinese: 个问题) uses the
        // word for 1 too, not another language's singular.
        if let Some(own) = self.strings.get(lang) {
            for (key, word) in own {
                let one = format!("{key}{PLURAL_ONE}");
                if !own.contains_key(&one) && out.contains_key(&one) {
                    out.insert(one, word.clone());
                }
            }
        }
        out
    }
}

/// Loads the theme named in site.toml, with the site's `templates/` overrides.
pub(crate) fn load(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
    let mut diags = Diagnostics::new();
    let theme_dir = root.join("themes").join(name);
    let mut theme = Theme { templates: BTreeMap::new(), static_files: BTreeMap::new(), strings: BTreeMap::new() };
    if name == "default" {
        for (n, text) in DEFAULT_TEMPLATES {
            theme.templates.insert(
                (*n).to_string(),
                ((*text).to_string(), PathBuf::from(format!("(built-in theme)/templates/{n}"))),
            );
        }
        for (n, bytes) in DEFAULT_STATIC {
            theme.static_files.insert((*n).to_string(), bytes.to_vec());
        }
        merge_strings(&mut theme, DEFAULT_STRINGS, Path::new("(built-in theme)/strings.toml"), &mut diags);
    } else if !theme_dir.is_dir() {
        diags.push(
            Diagnostic::error(
                root.join("site.toml"),
                None,
                format!("theme `{name}` not found in {}", theme_dir.display()),
            )
            .with_hint("use theme = \"default\", or create the theme folder"),
        );
        return Err(diags);
    }
    if theme_dir.is_dir() {
        let folder = Folder::new(&theme_dir, format!("`themes/{name}/`"));
        read_templates(&theme_dir.join("templates"), &folder, &mut theme, &mut diags);
        read_static(&theme_dir.join("static"), &folder, &mut theme, &mut diags);
        let strings = theme_dir.join("strings.toml");
        if std::fs::symlink_metadata(&strings).is_ok() {
            match read(&strings, &folder, MAX_TEXT_BYTES, &mut diags).map(String::from_utf8) {
                Some(Ok(text)) => merge_strings(&mut theme, &text, &strings, &mut diags),
                Some(Err(_)) => diags.push(Diagnostic::error(&strings, None, "the file is not valid UTF-8")),
                None => {}
            }
        }
    }
    let templates = root.join("templates");
    read_templates(&templates, &Folder::new(&templates, "`templates/`"), &mut theme, &mut diags);
    if diags.has_errors() { Err(diags) } else { Ok(theme) }
}

/// A theme file's bytes, or an error naming it (what it is, never what it holds).
fn read(path: &Path, folder: &Folder, limit: u64, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    file::read(path, folder, limit)
        .map_err(|e| {
            let mut d = Diagnostic::error(path, None, e.message());
            d.hint = e.hint();
            diags.push(d);
        })
        .ok()
}

fn read_templates(dir: &Path, folder: &Folder, theme: &mut Theme, diags: &mut Diagnostics) {
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if entry.file_type().is_dir() || entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        match read(entry.path(), folder, MAX_TEXT_BYTES, diags).map(String::from_utf8) {
            Some(Ok(text)) => {
                theme.templates.insert(name, (text, entry.path().to_path_buf()));
            }
            Some(Err(_)) => diags.push(Diagnostic::error(entry.path(), None, "the template is not valid UTF-8")),
            None => {}
        }
    }
}

fn read_static(dir: &Path, folder: &Folder, theme: &mut Theme, diags: &mut Diagnostics) {
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if entry.file_type().is_dir() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        if let Some(bytes) = read(entry.path(), folder, MAX_STATIC_BYTES, diags) {
            theme.static_files.insert(name, bytes);
        }
    }
}

fn merge_strings(theme: &mut Theme, text: &str, path: &Path, diags: &mut Diagnostics) {
    match toml::from_str::<BTreeMap<String, BTreeMap<String, String>>>(text) {
        Ok(tables) => {
            for (lang, table) in tables {
                theme.strings.entry(lang).or_default().extend(table);
            }
        }
        Err(e) => diags.push(Diagnostic::error(path, None, format!("invalid strings table: {}", e.message()))),
    }
}

/// `stepwise theme eject NAME`: the default theme's files, written into `dir`
/// (`themes/NAME`), which must not exist. Returns the files written.
pub(crate) fn eject(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<(String, &[u8])> = Vec::new();
    files.extend(DEFAULT_TEMPLATES.iter().map(|(n, t)| (format!("templates/{n}"), t.as_bytes())));
    files.extend(DEFAULT_STATIC.iter().map(|(n, b)| (format!("static/{n}"), *b)));
    files.push(("strings.toml".into(), DEFAULT_STRINGS.as_bytes()));
    // Made, not merely found: a folder created meanwhile is not written into.
    std::fs::create_dir_all(dir.parent().unwrap_or(Path::new(".")))?;
    std::fs::create_dir(dir)?;
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}

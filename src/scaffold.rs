//! `stepwise new`, `stepwise init` and `stepwise theme eject`: files that get a writer
//! started.
//!
//! Skeletons carry every language's keys, so a translator sees at once what to fill in.
//! What must be written holds a `TODO:` placeholder (the file builds, and `check` warns
//! until it is replaced); optional keys are comments to uncomment. `init` writes no theme:
//! the built-in one keeps getting stepwise's fixes until the site ejects it.

use std::path::{Path, PathBuf};

use crate::config::{self, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{CATEGORY_FILE, CONTENT_DIR};
use crate::model::field::PLACEHOLDER;
use crate::theme;

#[derive(Debug)]
pub struct Created {
    pub files: Vec<PathBuf>,
}

/// Why `new`/`init` refused: 1 for "already exists" and bad names, 2 for I/O.
#[derive(Debug)]
pub struct ScaffoldError {
    pub io: bool,
    pub diagnostics: Diagnostics,
}

fn refuse(path: &Path, message: impl Into<String>, hint: Option<&str>) -> ScaffoldError {
    let mut d = Diagnostic::error(path, None, message);
    d.hint = hint.map(str::to_owned);
    ScaffoldError { io: false, diagnostics: Diagnostics::from_iter([d]) }
}

fn io_error(path: &Path, e: std::io::Error) -> ScaffoldError {
    ScaffoldError { io: true, diagnostics: Diagnostics::from_iter([Diagnostic::error(path, None, e.to_string())]) }
}

fn write_new(path: &Path, text: &[u8], created: &mut Vec<PathBuf>) -> Result<(), ScaffoldError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    std::fs::write(path, text).map_err(|e| io_error(path, e))?;
    created.push(path.to_path_buf());
    Ok(())
}

/// `stepwise new CATEGORY/SLUG`: a tutorial skeleton (and the category file if missing).
pub fn new_tutorial(root: &Path, id: &str) -> Result<Created, ScaffoldError> {
    let config = config::load(root).map_err(|diagnostics| ScaffoldError { io: false, diagnostics })?;
    let id = id.trim().trim_matches('/').trim_end_matches(".yaml");
    let content = root.join(CONTENT_DIR);
    let segments: Vec<&str> = id.split('/').collect();
    if id.is_empty()
        || segments
            .iter()
            .any(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    {
        return Err(refuse(
            &content,
            format!("`{id}` is not a valid tutorial id"),
            Some("use CATEGORY/SLUG with lowercase letters, digits and `-`, e.g. cross-border-ec/amazon/view-sales"),
        ));
    }
    if crate::model::RESERVED_NAMES.contains(&segments[0]) {
        return Err(refuse(&content, format!("`{}` is reserved for stepwise's own pages", segments[0]), None));
    }
    let path = content.join(format!("{id}.yaml"));
    if path.exists() {
        return Err(refuse(&path, "the tutorial already exists", Some("pick another slug, or edit the existing file")));
    }
    let mut created = Vec::new();
    // Each category folder on the way gets a `_category.yaml` whose title is to be written.
    let mut folder = content.clone();
    for seg in &segments[..segments.len() - 1] {
        folder.push(seg);
        let cat = folder.join(CATEGORY_FILE);
        if !cat.exists() {
            write_new(&cat, category_skeleton(&config, seg).as_bytes(), &mut created)?;
        }
    }
    let slug = segments.last().copied().unwrap_or(id);
    write_new(&path, tutorial_skeleton(&config, slug, &today()).as_bytes(), &mut created)?;
    Ok(Created { files: created })
}

/// `key:` and one line per language, each holding `value(lang)`.
fn lang_lines(config: &SiteConfig, indent: &str, value: impl Fn(&str) -> String) -> String {
    config.languages.iter().map(|l| format!("{indent}{l}: {}\n", value(l))).collect()
}

/// A text still to be written, in quotes (it may hold `: `).
fn todo(what: &str) -> String {
    format!("\"{PLACEHOLDER}: {what}\"")
}

fn category_skeleton(config: &SiteConfig, folder: &str) -> String {
    let name = folder.replace('-', " ");
    let mut s = String::new();
    s.push_str("# A category: the folder's title on the pages, in every language.\n");
    s.push_str(&format!(
        "title:\n{}",
        lang_lines(config, "  ", |_| todo(&format!("the title of the {name} category")))
    ));
    s.push_str("# description:                   (optional: a line under the title)\n");
    s.push_str(&lang_lines(config, "#   ", |_| "...".into()));
    s.push_str("# order: 1                       (optional: smaller first)\n");
    s
}

fn tutorial_skeleton(config: &SiteConfig, slug: &str, date: &str) -> String {
    let mut s = String::new();
    s.push_str("# One help question. Replace every TODO (`stepwise check` lists what is left), and\n");
    s.push_str("# uncomment (remove the `# `) the optional keys you want. Then: stepwise check\n");
    s.push_str(&format!("title:\n{}", lang_lines(config, "  ", |_| todo("the question, as a reader asks it"))));
    s.push_str("# summary:                       (optional: one line under the title)\n");
    s.push_str(&lang_lines(config, "#   ", |_| "...".into()));
    s.push_str(&format!("date: {date}\n"));
    s.push_str("# updated: YYYY-MM-DD            (optional: the last real change)\n");
    s.push_str("# tags: [account, password]      (optional)\n");
    s.push_str("# author: support                (optional: an id from content/_authors.yaml)\n");
    s.push_str("# related: [category/other-tutorial]   (optional: tutorial ids)\n");
    s.push_str("steps:\n  - text:\n");
    s.push_str(&lang_lines(config, "      ", |_| todo("what to do first; UI labels in 【】 or [ ]")));
    s.push_str(&format!("    # image: {slug}/step-01.png      (the screenshot, in a folder beside this file)\n"));
    s.push_str("    # alt:                         (what the screenshot shows, for screen readers)\n");
    s.push_str(&lang_lines(config, "    #   ", |_| "...".into()));
    s.push_str("    # highlight: [{x: 0.1, y: 0.8, w: 0.3, h: 0.06}]   (boxes: fractions of the image)\n");
    s.push_str("# notes:                         (optional: tip, note or warning)\n");
    s.push_str("#   - kind: tip\n#     text:\n");
    s.push_str(&lang_lines(config, "#       ", |_| "...".into()));
    s
}

/// `stepwise init DIR`: a site that builds as it is.
pub fn init(dir: &Path) -> Result<Created, ScaffoldError> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?.next().is_some();
        if non_empty || !dir.is_dir() {
            return Err(refuse(
                dir,
                "the folder is not empty",
                Some("pick a new folder name, e.g. `stepwise init help-center`"),
            ));
        }
    }
    let mut created = Vec::new();
    let w = |rel: &str, bytes: &[u8], created: &mut Vec<PathBuf>| write_new(&dir.join(rel), bytes, created);
    w(
        "site.toml",
        r#"base_url = "https://help.example.com"
languages = ["zh", "en"]          # the first is the source language
theme = "default"

[title]
zh = "帮助中心"
en = "Help Center"

[description]                     # what search engines show under the index's link
zh = "帮助中心：一步一步的图文教程，解答使用中的常见问题。"
en = "Help Center: illustrated, step-by-step answers to common questions."

[images]
widths = [480, 960]               # responsive variants; never upscaled
"#
        .as_bytes(),
        &mut created,
    )?;
    // `.public.prev/`: the last site, kept to be recycled by the next build (see output.rs).
    w(".gitignore", b"public/\n.public.*\n.stepwise-cache/\n", &mut created)?;
    w("content/_authors.yaml", "support:\n  name:\n    zh: 客服团队\n    en: Support team\n  bio:\n    zh: 回答你的每一个问题。\n    en: Here to answer every question.\n".as_bytes(), &mut created)?;
    w(
        "content/getting-started/_category.yaml",
        "title:\n  zh: 新手入门\n  en: Getting started\ndescription:\n  zh: 第一次使用时的常见问题。\n  en: Common questions when you start.\norder: 1\n".as_bytes(),
        &mut created,
    )?;
    let text = format!(
        "title:\n  zh: 如何修改我的昵称？\n  en: How do I change my nickname?\nsummary:\n  zh: 两步修改你在应用里显示的昵称。\n  en: Change the name shown in the app in two steps.\ndate: {}\ntags: [account, profile]\nauthor: support\nsteps:\n  - text:\n      zh: 打开应用，点击右下角的【我的】。\n      en: \"Open the app and tap [Me] in the lower right corner.\"\n    image: change-nickname/step-01.png\n    alt:\n      zh: 应用首页，右下角是“我的”按钮\n      en: The app's home screen with the Me button in the lower right corner\n    highlight: [{{x: 0.75, y: 0.9, w: 0.25, h: 0.1}}]\n  - text:\n      zh: 点击昵称，输入新的昵称，然后点击【保存】。\n      en: Tap your nickname, type the new one, and then tap [Save].\nnotes:\n  - kind: tip\n    text:\n      zh: 昵称每 30 天可以修改一次。\n      en: You can change your nickname once every 30 days.\n",
        today()
    );
    w("content/getting-started/change-nickname.yaml", text.as_bytes(), &mut created)?;
    w("content/getting-started/change-nickname/step-01.png", &example_screenshot(), &mut created)?;
    // Start the translation records, so that a later change to a Chinese text shows its
    // English translation as outdated. The site was just written: it loads.
    if let Ok(loaded) = crate::pipeline::load_once(dir) {
        let langs = loaded.site.config.languages.targets();
        let lock_path = dir.join(crate::i18n::lock::LOCK_FILE);
        let all = crate::i18n::Selection::All;
        if let Ok(c) = crate::i18n::confirm(&loaded.site, &loaded.lock, &lock_path, all, langs) {
            created.push(c.file);
        }
    }
    Ok(Created { files: created })
}

/// What `theme eject` wrote.
#[derive(Debug)]
pub struct Ejected {
    /// `themes/NAME`.
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    /// Whether site.toml names this theme already (`theme = "NAME"`).
    pub in_use: bool,
}

/// `stepwise theme eject [NAME]`: the built-in theme's files copied into `themes/NAME/`,
/// to be changed there. Refused (1) if that folder exists or NAME is not a plain name.
pub fn eject_theme(root: &Path, name: &str) -> Result<Ejected, ScaffoldError> {
    let config = config::load(root).map_err(|diagnostics| ScaffoldError { io: false, diagnostics })?;
    let themes = root.join("themes");
    let plain = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !plain {
        return Err(refuse(
            &themes,
            format!("`{name}` is not a theme name"),
            Some("use lowercase letters, digits, `-` and `_`, e.g. `stepwise theme eject brand`"),
        ));
    }
    let dir = themes.join(name);
    if std::fs::symlink_metadata(&dir).is_ok() {
        return Err(refuse(
            &dir,
            "the theme folder already exists; nothing was written",
            Some("pick another name (`stepwise theme eject NAME`), or move the folder away first"),
        ));
    }
    let files = theme::eject(&dir).map_err(|e| io_error(&dir, e))?;
    Ok(Ejected { dir, files, in_use: config.theme == name })
}

/// A drawn phone screen (360x780) whose lower-right tab matches the example's highlight.
fn example_screenshot() -> Vec<u8> {
    let (w, h) = (360u32, 780u32);
    let mut img = image::RgbImage::from_pixel(w, h, image::Rgb([246, 247, 249]));
    let mut fill = |x0: u32, y0: u32, x1: u32, y1: u32, c: [u8; 3]| {
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                img.put_pixel(x, y, image::Rgb(c));
            }
        }
    };
    fill(0, 0, w, 24, [30, 30, 30]);
    fill(0, 24, w, 80, [22, 119, 255]);
    fill(20, 44, 160, 60, [255, 255, 255]);
    for i in 0..5 {
        let y = 110 + i * 92;
        fill(16, y, w - 16, y + 76, [255, 255, 255]);
        fill(32, y + 18, 72, y + 58, [220, 226, 235]);
        fill(88, y + 22, 300 - i * 20, y + 34, [120, 128, 140]);
        fill(88, y + 44, 220, y + 54, [190, 196, 204]);
    }
    fill(0, 702, w, 780, [255, 255, 255]);
    fill(0, 702, w, 703, [220, 224, 230]);
    for i in 0..4 {
        let cx = 45 + i * 90;
        let c = if i == 3 { [22, 119, 255] } else { [150, 156, 166] };
        fill(cx - 14, 720, cx + 14, 744, c);
        fill(cx - 18, 752, cx + 18, 760, c);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an in-memory RGB image to PNG cannot fail short of running out of memory.
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

/// Today's date (UTC) as YYYY-MM-DD, without a date crate: days since the epoch ->
/// civil date (Howard Hinnant's algorithm).
pub(crate) fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_date() {
        assert!(crate::model::Date::parse(&today()).is_some());
    }
}

//! Stage 2: decoded files -> a validated, immutable [`Site`].
//!
//! Files are decoded one by one (`decode`, in parallel, each collecting its own
//! problems); [`check_content`] runs the checks that need every file (related ids,
//! authors, names that become URLs, implicit categories); [`assemble`] then builds the
//! site from the checked content and the facts the pipeline gathered about it (the
//! screenshots on disk, the translation records), computing the derived indexes
//! (categories' questions, tags, related articles) once, so rendering is a pure
//! function of `&Site`. Nothing here reads the disk or knows how pages look.

pub(crate) mod decode;
pub(crate) mod field;
pub(crate) mod ids;
pub(crate) mod links;
pub(crate) mod related;
mod scrub;
pub(crate) mod translation;
pub(crate) mod types;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos, did_you_mean, display_path};
use crate::lang::Lang;
use crate::load::{CONTENT_DIR, RawContent};
use crate::screenshot::ImageInfo;
pub(crate) use decode::PixelBox;
use decode::{DecodedTutorial, Decoder, ImageRef};
pub(crate) use field::{FieldKind, FieldPath};
pub(crate) use ids::{CategoryPath, DocId, TutorialId};
use links::{Links, PathLink, WrittenLink};
pub(crate) use translation::{Outdated, TranslationState};
pub(crate) use types::*;

/// Top-level names under `/{lang}/` that the generator itself uses.
pub(crate) const RESERVED_NAMES: &[&str] = &["tags", "search", "static", "img", "404"];

#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// Sorted by id. Shared between the versions of a site the preview server builds:
    /// a tutorial whose file did not change is the same allocation in both.
    pub(crate) tutorials: Vec<Arc<Tutorial>>,
    pub(crate) index: HashMap<TutorialId, usize>,
    /// Every category, including folders without `_category.yaml`.
    pub(crate) categories: BTreeMap<CategoryPath, Category>,
    pub(crate) authors: BTreeMap<String, Author>,
    /// `content/_authors.yaml`, when the site has one.
    pub(crate) authors_file: Option<PathBuf>,
    /// The screenshots the tutorials show, by content-relative path.
    pub(crate) images: BTreeMap<String, ImageInfo>,
    /// Translations confirmed against an older source text (from `i18n.lock`).
    pub(crate) outdated: Outdated,
    /// Category path -> its direct tutorials, newest first.
    pub(crate) category_tutorials: BTreeMap<CategoryPath, Vec<usize>>,
    /// Category path (the top included) -> its direct subcategories, in display order.
    pub(crate) subcategories: BTreeMap<CategoryPath, Vec<CategoryPath>>,
    /// Tag slug -> tutorials, newest first.
    pub(crate) tags: BTreeMap<String, Vec<usize>>,
    /// Tag slug -> how it is shown, for the tags not shown as their slug.
    pub(crate) tag_names: BTreeMap<String, TagName>,
    /// The links to tutorials written in texts.
    pub(crate) links: Links,
    /// Tutorial index -> related tutorial indexes.
    pub(crate) related: Vec<Vec<usize>>,
    /// Every tutorial index, newest (last changed) first, ties by id.
    newest_first: Vec<usize>,
    /// Category path -> tutorials in it and below it.
    counts_under: HashMap<CategoryPath, usize>,
}

impl Site {
    pub(crate) fn source_lang(&self) -> &Lang {
        self.config.source_lang()
    }

    pub(crate) fn tutorial(&self, id: &str) -> Option<&Tutorial> {
        self.index.get(id).map(|&i| &*self.tutorials[i])
    }

    /// Tutorial indexes, newest (last changed) first, ties by id.
    pub(crate) fn latest(&self) -> &[usize] {
        &self.newest_first
    }

    /// Every tutorial under a category, its subcategories' included.
    pub(crate) fn count_under(&self, path: &str) -> usize {
        self.counts_under.get(path).copied().unwrap_or(0)
    }

    /// How the tag `slug` is shown in `lang`.
    pub(crate) fn tag_name<'a>(&'a self, slug: &'a str, lang: &Lang) -> &'a str {
        self.tag_names.get(slug).map_or(slug, |n| n.get(lang, self.source_lang()))
    }

    /// The chain of categories from the top down to `path`, inclusive.
    pub(crate) fn category_chain(&self, path: &CategoryPath) -> Vec<&Category> {
        let mut chain: Vec<&Category> = path.ancestors().filter_map(|p| self.categories.get(p)).collect();
        chain.reverse();
        chain
    }
}

/// One tutorial file, decoded, and what decoding it reported.
pub(crate) type Decoded = (DecodedTutorial, Diagnostics);

/// Decodes one tutorial file.
pub(crate) fn decode_tutorial(file: &crate::load::SourceFile, config: &SiteConfig) -> Decoded {
    Decoder::new(&file.path, &config.languages).tutorial(file)
}

/// The site's files, decoded and checked against each other.
#[derive(Debug)]
pub(crate) struct Content {
    /// Sorted by id.
    pub(crate) tutorials: Vec<Arc<Tutorial>>,
    pub(crate) categories: BTreeMap<CategoryPath, Category>,
    pub(crate) authors: BTreeMap<String, Author>,
    pub(crate) authors_file: Option<PathBuf>,
    /// Every screenshot the tutorials name, as written (the pipeline checks them on disk).
    pub(crate) image_refs: Vec<ImageRef>,
    /// Boxes written in pixels: errors the pipeline reports with the screenshots' sizes.
    pub(crate) pixel_boxes: Vec<PixelBox>,
    pub(crate) tag_names: BTreeMap<String, TagName>,
    pub(crate) links: Links,
    /// Relative links of tutorials to anything but a tutorial (the pipeline checks them).
    pub(crate) path_links: Vec<PathLink>,
}

/// Decodes the categories and authors of `raw`, takes the decoded tutorial files (in
/// `raw.tutorials`' order) and runs the checks that need every file. The diagnostics
/// hold every problem found, the decoded files' own included.
pub(crate) fn check_content(
    root: &Path,
    config: &SiteConfig,
    raw: &RawContent,
    decoded: &[Arc<Decoded>],
) -> (Content, Diagnostics) {
    let langs = &config.languages;
    let mut diags = Diagnostics::new();
    let content_dir = root.join(CONTENT_DIR);
    let mut categories = BTreeMap::new();
    for file in &raw.categories {
        let (cat, d) = Decoder::new(&file.path, langs).category(file);
        diags.extend(d);
        if let Some(c) = cat {
            categories.insert(c.path.clone(), c);
        }
    }
    let mut authors = BTreeMap::new();
    if let Some(file) = &raw.authors {
        let (list, d) = Decoder::new(&file.path, langs).authors(file);
        diags.extend(d);
        for a in list {
            authors.insert(a.id.clone(), a);
        }
    }

    let mut tutorials: Vec<(Arc<Tutorial>, &[WrittenLink])> = Vec::with_capacity(decoded.len());
    let mut image_refs: Vec<ImageRef> = Vec::new();
    let mut pixel_boxes: Vec<PixelBox> = Vec::new();
    for entry in decoded {
        let (t, d) = &**entry;
        d.iter().for_each(|d| diags.push(d.clone()));
        image_refs.extend(t.images.iter().cloned());
        pixel_boxes.extend(t.pixel_boxes.iter().cloned());
        if let Some(tutorial) = &t.tutorial {
            tutorials.push((Arc::clone(tutorial), &t.links));
        }
    }
    tutorials.sort_by(|(a, _), (b, _)| a.id.cmp(&b.id));

    let authors_file = raw.authors.as_ref().map(|f| f.path.clone());

    // References between files. A tutorial that failed to decode still exists as an id.
    let all_ids: BTreeSet<&str> = raw.tutorials.iter().map(|f| f.key.as_str()).collect();
    // Hashed for the lookups of every `related` entry (the sorted set serves the hints).
    let id_set: HashSet<&str, foldhash::fast::RandomState> = all_ids.iter().copied().collect();
    for (entry, file) in decoded.iter().zip(&raw.tutorials) {
        let (t, _) = &**entry;
        for r in &t.related_refs {
            if !id_set.contains(r.id.as_str()) {
                let mut d =
                    Diagnostic::error(&file.path, Some(r.pos), format!("related tutorial `{}` does not exist", r.id));
                d.hint = Some(match did_you_mean(&r.id, all_ids.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "an id is the file's path under content/ without `.yaml`".into(),
                });
                diags.push(d);
            }
        }
        if let Some(a) = t.author_ref.as_ref()
            && !authors.contains_key(&a.id)
        {
            let mut d = Diagnostic::error(
                &file.path,
                Some(a.pos),
                format!("author `{}` is not in content/_authors.yaml", a.id),
            );
            d.hint = Some(author_hint(&a.id, &authors, raw.authors.is_some()));
            diags.push(d);
        }
    }

    let (links, path_links) =
        links::check_links(&tutorials, &categories, &authors, authors_file.as_deref(), &all_ids, &mut diags);
    let tutorials: Vec<Arc<Tutorial>> = tutorials.into_iter().map(|(t, _)| t).collect();
    check_names(&tutorials, &raw.folders, &content_dir, &mut diags);
    let category_files: BTreeSet<&str> = raw.categories.iter().map(|f| f.key.as_str()).collect();
    add_implicit_categories(&tutorials, &mut categories, &category_files, &content_dir, langs.source(), &mut diags);
    let tag_names = tag_names(raw, decoded, langs, &mut diags);
    (
        Content { tutorials, categories, authors, authors_file, image_refs, pixel_boxes, tag_names, links, path_links },
        diags,
    )
}

/// One way a tag is written, and where it is first written so.
struct Spelling<'a> {
    written: &'a str,
    count: usize,
    file: &'a Path,
    pos: Pos,
}

/// How each tag is shown: `_tags.yaml`'s names (checked against the tags the tutorials
/// use), and the spelling most tutorials use. Two spellings of one tag are a warning at
/// each place that differs from the usual one.
fn tag_names(
    raw: &RawContent,
    decoded: &[Arc<Decoded>],
    langs: &crate::lang::Languages,
    diags: &mut Diagnostics,
) -> BTreeMap<String, TagName> {
    // foldhash: every tag of every tutorial goes through this map on every preview edit.
    let mut spellings: HashMap<&str, Vec<Spelling<'_>>, foldhash::fast::RandomState> = HashMap::default();
    let mut variants = false;
    for (entry, file) in decoded.iter().zip(&raw.tutorials) {
        for tag in &entry.0.tags {
            let list = spellings.entry(tag.slug.as_str()).or_default();
            match list.iter_mut().find(|s| s.written == tag.written) {
                Some(s) => s.count += 1,
                None => {
                    variants |= !list.is_empty();
                    list.push(Spelling { written: &tag.written, count: 1, file: &file.path, pos: tag.pos });
                }
            }
        }
    }
    // The usual spelling: used most, the first met on a tie.
    let usual = |list: &[Spelling<'_>]| -> usize {
        let mut best = 0;
        for (i, s) in list.iter().enumerate() {
            if s.count > list[best].count {
                best = i;
            }
        }
        best
    };
    // Only a tag written two ways needs its places looked up.
    for (entry, file) in decoded.iter().zip(&raw.tutorials).filter(|_| variants) {
        for tag in &entry.0.tags {
            let Some(list) = spellings.get(tag.slug.as_str()).filter(|l| l.len() > 1) else { continue };
            let other = &list[usual(list)];
            if other.written != tag.written {
                let place = format!("{}:{}:{}", display_path(other.file), other.pos.line, other.pos.col);
                diags.push(
                    Diagnostic::warning(
                        &file.path,
                        Some(tag.pos),
                        format!(
                            "tag `{}` is written `{}` at {place}; both are the tag `{}`",
                            tag.written, other.written, tag.slug
                        ),
                    )
                    .with_hint(format!(
                        "write it the same way everywhere (pages show `{}`), or give it a name per language in content/_tags.yaml",
                        other.written
                    )),
                );
            }
        }
    }
    let mut names: BTreeMap<String, TagName> = BTreeMap::new();
    if let Some(file) = &raw.tags {
        let (entries, d) = Decoder::new(&file.path, langs).tag_names(file);
        diags.extend(d);
        for e in entries {
            let Some(list) = spellings.get(e.slug.as_str()) else {
                let hint = match did_you_mean(&e.slug, spellings.keys().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "no tutorial has this tag: remove it here, or add it to a tutorial's `tags`".into(),
                };
                diags.push(
                    Diagnostic::error(
                        &file.path,
                        Some(e.pos),
                        format!("tag `{}` is not used by any tutorial", e.written),
                    )
                    .with_hint(hint),
                );
                continue;
            };
            let written = list[usual(list)].written.to_string();
            names.insert(e.slug, TagName { written, names: Some(e.name) });
        }
    }
    for (slug, list) in &spellings {
        let written = list[usual(list)].written;
        if written != *slug && !names.contains_key(*slug) {
            names.insert(slug.to_string(), TagName { written: written.to_string(), names: None });
        }
    }
    names
}

/// What to do about an unknown author id: the id meant, and the ids there are.
fn author_hint(id: &str, authors: &BTreeMap<String, Author>, has_file: bool) -> String {
    const SHOWN: usize = 12;
    if authors.is_empty() {
        let file = if has_file { "content/_authors.yaml has no authors" } else { "there is no content/_authors.yaml" };
        return format!("{file}: add `{id}:` there with `name: {{zh: ..., en: ...}}`, or remove the `author:` line");
    }
    let mut known: Vec<String> = authors.keys().take(SHOWN).map(|k| format!("`{k}`")).collect();
    if authors.len() > SHOWN {
        known.push(format!("and {} more", authors.len() - SHOWN));
    }
    let known = known.join(", ");
    match did_you_mean(id, authors.keys().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`? the authors in content/_authors.yaml are {known}"),
        None => format!("the authors in content/_authors.yaml are {known}; add `{id}` there, or use one of them"),
    }
}

/// Builds the site from checked content, the screenshots found on disk and the
/// translation state; `related` carries the related-article indexes of the last site
/// this one replaces (a fresh one for a one-off build).
pub(crate) fn assemble(
    config: SiteConfig,
    content: Content,
    images: BTreeMap<String, ImageInfo>,
    outdated: Outdated,
    related: &mut related::Memo,
) -> Site {
    let Content {
        tutorials,
        categories,
        authors,
        authors_file,
        image_refs: _,
        pixel_boxes: _,
        tag_names,
        links,
        path_links: _,
    } = content;
    let index: HashMap<TutorialId, usize> = tutorials.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
    let related = related::compute_with_memo(&tutorials, &index, &config.languages, related);
    let newest_first = |list: &mut Vec<usize>| {
        list.sort_by(|&a, &b| {
            let (ta, tb) = (&tutorials[a], &tutorials[b]);
            tb.last_changed().cmp(&ta.last_changed()).then_with(|| ta.id.cmp(&tb.id))
        })
    };
    let mut latest: Vec<usize> = (0..tutorials.len()).collect();
    newest_first(&mut latest);
    // Filled newest first, so every list is in that order without a sort of its own
    // (sorting each tag's list was a tenth of the load at 100,000 tutorials).
    let mut category_tutorials: BTreeMap<CategoryPath, Vec<usize>> = BTreeMap::new();
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in &latest {
        let t = &tutorials[i];
        // Keys are cloned once per category or tag, not once per tutorial.
        match category_tutorials.get_mut(&t.category) {
            Some(list) => list.push(i),
            None => {
                category_tutorials.insert(t.category.clone(), vec![i]);
            }
        }
        for tag in &t.tags {
            match tags.get_mut(tag) {
                Some(list) => list.push(i),
                None => {
                    tags.insert(tag.clone(), vec![i]);
                }
            }
        }
    }
    let mut counts_under: HashMap<CategoryPath, usize> = HashMap::new();
    for t in &tutorials {
        *counts_under.entry(CategoryPath::top()).or_default() += 1;
        for path in t.category.ancestors() {
            match counts_under.get_mut(path) {
                Some(n) => *n += 1,
                None => {
                    counts_under.insert(CategoryPath::new(path), 1);
                }
            }
        }
    }

    let mut subcategories: BTreeMap<CategoryPath, Vec<CategoryPath>> = BTreeMap::new();
    for c in categories.values() {
        subcategories.entry(c.path.parent().unwrap_or_default()).or_default().push(c.path.clone());
    }
    for list in subcategories.values_mut() {
        list.sort_by(|a, b| (categories[a].order, a).cmp(&(categories[b].order, b)));
    }

    Site {
        config,
        tutorials,
        index,
        categories,
        authors,
        authors_file,
        images,
        outdated,
        category_tutorials,
        subcategories,
        tags,
        tag_names,
        links,
        related,
        newest_first: latest,
        counts_under,
    }
}

/// File and folder names become URLs: they must be lowercase ASCII words, must not clash
/// with each other or with the generator's own pages.
/// A tutorial's path under `content/` is its URL and, beside the output folder's own
/// path, its page's path on disk: this leaves room for both.
const MAX_ID_BYTES: usize = 1024;

fn check_names(tutorials: &[Arc<Tutorial>], folders: &[String], content_dir: &Path, diags: &mut Diagnostics) {
    let folder_set: BTreeSet<&str> = folders.iter().map(String::as_str).collect();
    // Every folder that (through its subfolders) holds a tutorial.
    let mut with_tutorials: BTreeSet<&str> = BTreeSet::new();
    for t in tutorials {
        for path in t.category.ancestors() {
            if !with_tutorials.insert(path) {
                break;
            }
        }
    }
    for t in tutorials {
        if t.id.len() > MAX_ID_BYTES {
            diags.push(
                Diagnostic::error(
                    &t.file,
                    None,
                    format!(
                        "the path of this tutorial under content/ is {} bytes: at most {MAX_ID_BYTES} fit in a URL and an output path",
                        t.id.len()
                    ),
                )
                .with_hint("use shorter folder and file names"),
            );
        }
        for (i, seg) in t.id.split('/').enumerate() {
            let is_last = i == t.id.matches('/').count();
            if !is_url_safe(seg) {
                let what = if is_last { "file name" } else { "folder name" };
                diags.push(
                    Diagnostic::error(&t.file, None, format!("the {what} `{seg}` cannot be used in a URL"))
                        .with_hint(format!("use lowercase letters, digits and `-`, e.g. `{}`", suggest_slug(seg))),
                );
            }
            if i == 0 && RESERVED_NAMES.contains(&seg) {
                diags.push(
                    Diagnostic::error(&t.file, None, format!("`{seg}` is reserved for stepwise's own pages"))
                        .with_hint("rename the file or folder"),
                );
            }
        }
        // A screenshot folder beside the tutorial is normal; one holding tutorials is a category.
        if folder_set.contains(t.id.as_str()) && with_tutorials.contains(t.id.as_str()) {
            diags.push(
                Diagnostic::error(
                    &t.file,
                    None,
                    format!(
                        "`{}` is both a tutorial and a category folder with tutorials: their pages would share a URL",
                        t.id
                    ),
                )
                .with_hint(format!(
                    "rename the tutorial file or the folder `{}`",
                    content_dir.join(t.id.as_str()).display()
                )),
            );
        }
    }
}

fn is_url_safe(seg: &str) -> bool {
    !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn suggest_slug(seg: &str) -> String {
    let s = decode::tag_slug(seg);
    let ascii: String = s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if ascii.is_empty() { "my-tutorial".into() } else { ascii }
}

/// Every folder that holds tutorials is a category, with or without `_category.yaml`.
fn add_implicit_categories(
    tutorials: &[Arc<Tutorial>],
    categories: &mut BTreeMap<CategoryPath, Category>,
    category_files: &BTreeSet<&str>,
    content_dir: &Path,
    source: &Lang,
    diags: &mut Diagnostics,
) {
    let mut needed: BTreeSet<CategoryPath> = BTreeSet::new();
    let mut last = "";
    for t in tutorials {
        // Tutorials are sorted by id: a category's tutorials mostly follow each other.
        if t.category == last {
            continue;
        }
        last = &t.category;
        for path in t.category.ancestors() {
            if needed.contains(path) {
                break;
            }
            needed.insert(CategoryPath::new(path));
        }
    }
    // A category whose parent folder has a `_category.yaml` but no tutorials of its own
    // still needs the parent as a category.
    let declared: Vec<CategoryPath> = categories.keys().cloned().collect();
    for path in declared {
        needed.extend(path.ancestors().skip(1).map(CategoryPath::new));
    }
    for path in needed {
        // A `_category.yaml` with errors has been reported already.
        if categories.contains_key(&path) || category_files.contains(path.as_str()) {
            continue;
        }
        let title = path.name().replace(['-', '_'], " ");
        diags.push(
            Diagnostic::warning(
                content_dir.join(path.as_str()),
                None,
                format!("the category folder has no `_category.yaml`; its title is \"{title}\" in every language"),
            )
            .with_hint("add _category.yaml with `title: {zh: ..., en: ...}`"),
        );
        categories.insert(
            path.clone(),
            Category {
                path,
                file: None,
                title: Localized::everywhere(title, Default::default(), source),
                description: None,
                order: i64::MAX,
            },
        );
    }
}

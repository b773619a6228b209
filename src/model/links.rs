//! Links written in texts. A link to a tutorial's YAML file, relative to the file it is
//! written in (`change-password.yaml`, `../taobao/apply-refund.yaml#step-3`), as GitHub
//! and mdBook resolve links to `.md` files, is checked here and kept in [`Links`]: the
//! renderer makes it the link to that tutorial's page in the page's language. A missing
//! file or step is an error at its line, with a did-you-mean. Any other relative link of
//! a tutorial is kept as a [`PathLink`] for the pipeline, which knows the pages a build
//! makes. Backslashes count as slashes, as browsers read them: `/\evil.example` is
//! `//evil.example`, another site.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ids::{CategoryPath, TutorialId, resolve_relative};
use super::types::{Author, Category, Localized, Tutorial};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos, did_you_mean};
use crate::lang::Lang;
use crate::markdown;

/// Where a link to a tutorial's YAML file leads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TutorialLink {
    pub(crate) id: TutorialId,
    /// Counted from 1, as in `#step-3`.
    pub(crate) step: Option<usize>,
}

/// The links to tutorials, by the folder of the file they are written in and the
/// address as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Links {
    by_folder: HashMap<CategoryPath, HashMap<String, TutorialLink>>,
}

impl Links {
    pub(crate) fn get(&self, folder: &CategoryPath, written: &str) -> Option<&TutorialLink> {
        self.by_folder.get(folder)?.get(written)
    }
}

/// A relative link of a tutorial's text to anything but a tutorial: the pipeline checks
/// that a build makes something there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PathLink {
    pub(crate) file: PathBuf,
    pub(crate) pos: Pos,
    pub(crate) tutorial: TutorialId,
    /// The language of the page the text is shown on.
    pub(crate) lang: Lang,
    /// As written.
    pub(crate) written: String,
    /// The path as a browser reads it (backslashes made slashes, no `?` or `#` part).
    pub(crate) path: String,
}

/// A link written in a tutorial's text: found once per decoding of its file, so the
/// site-wide check only resolves the few there are (it read every text of the site on
/// every preview edit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct WrittenLink {
    /// The language of the text.
    lang: Lang,
    /// The text's position.
    pos: Pos,
    /// The address as written.
    written: String,
}

/// The links written in `t`'s texts that can hold one (titles and labels show links as
/// text): its summary, steps and notes.
pub(crate) fn written_in(t: &Tutorial) -> Vec<WrittenLink> {
    let texts = t.summary.iter().chain(t.steps.iter().map(|s| &s.text)).chain(t.notes.iter().map(|n| &n.text));
    texts.flat_map(links_of).collect()
}

/// The links written in `text`, in every language.
fn links_of(text: &Localized) -> impl Iterator<Item = WrittenLink> + '_ {
    text.values().flat_map(|(lang, value)| {
        markdown::link_destinations(&value.text).into_iter().map(|(written, _)| WrittenLink {
            lang: lang.clone(),
            pos: value.pos,
            written,
        })
    })
}

/// The texts a link can be written in, with the file and folder they belong to.
struct Source<'a> {
    file: &'a Path,
    folder: &'a CategoryPath,
    /// The tutorial the text is in (`#step-N` and other relative links are checked
    /// against its page).
    tutorial: Option<&'a Tutorial>,
}

/// Checks the links of every text that can hold one: the tutorials' links as
/// [`written_in`] found them (in the order of `tutorials`), the categories' descriptions
/// and the authors' bios. `known` holds every tutorial id, those of files with errors
/// included.
pub(crate) fn check_links(
    tutorials: &[(Arc<Tutorial>, &[WrittenLink])],
    categories: &BTreeMap<CategoryPath, Category>,
    authors: &BTreeMap<String, Author>,
    authors_file: Option<&Path>,
    known: &BTreeSet<&str>,
    diags: &mut Diagnostics,
) -> (Links, Vec<PathLink>) {
    let mut checker = Checker { tutorials, by_id: None, known, links: Links::default(), paths: Vec::new(), diags };
    for (t, links) in tutorials {
        let source = Source { file: &t.file, folder: &t.category, tutorial: Some(t) };
        for link in *links {
            checker.link(&source, &link.lang, link.pos, &link.written);
        }
    }
    for c in categories.values() {
        if let (Some(file), Some(text)) = (&c.file, &c.description) {
            checker.text(&Source { file, folder: &c.path, tutorial: None }, text);
        }
    }
    if let Some(file) = authors_file {
        let top = CategoryPath::top();
        for text in authors.values().filter_map(|a| a.bio.as_ref()) {
            checker.text(&Source { file, folder: &top, tutorial: None }, text);
        }
    }
    (checker.links, checker.paths)
}

struct Checker<'a, 'd> {
    tutorials: &'a [(Arc<Tutorial>, &'a [WrittenLink])],
    /// The tutorials by id, made for the first link to a tutorial (most sites have few).
    by_id: Option<HashMap<&'a str, &'a Tutorial>>,
    known: &'a BTreeSet<&'a str>,
    links: Links,
    paths: Vec<PathLink>,
    diags: &'d mut Diagnostics,
}

impl Checker<'_, '_> {
    fn text(&mut self, source: &Source<'_>, text: &Localized) {
        for link in links_of(text) {
            self.link(source, &link.lang, link.pos, &link.written);
        }
    }

    fn link(&mut self, source: &Source<'_>, lang: &Lang, pos: Pos, written: &str) {
        let normal = markdown::normalise_link(written.trim());
        if normal.starts_with("//") {
            if written.contains('\\') {
                self.diags.push(
                    Diagnostic::warning(
                        source.file,
                        Some(pos),
                        format!("browsers read the link `{written}` as `{normal}`, a link to another site"),
                    )
                    .with_hint(format!(
                        "write the full address (`https:{normal}`) if another site is meant, or a path without backslashes"
                    )),
                );
            }
            return;
        }
        if has_scheme(&normal) || normal.starts_with('/') {
            return;
        }
        let (path, fragment) = match normal.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (normal.as_str(), None),
        };
        let path = path.split('?').next().unwrap_or("");
        if path.is_empty() {
            // A step of the page itself.
            if let (Some(t), Some(f)) = (source.tutorial, fragment)
                && f.starts_with("step-")
            {
                self.step(source, pos, written, t, f, "this tutorial");
            }
            return;
        }
        let lower = path.to_ascii_lowercase();
        if !(lower.ends_with(".yaml") || lower.ends_with(".yml")) {
            if let Some(t) = source.tutorial {
                self.paths.push(PathLink {
                    file: source.file.to_path_buf(),
                    pos,
                    tutorial: t.id.clone(),
                    lang: lang.clone(),
                    written: written.to_string(),
                    path: path.to_string(),
                });
            }
            return;
        }
        let Some(resolved) = resolve_relative(source.folder.as_str(), path) else {
            self.diags.push(
                Diagnostic::error(
                    source.file,
                    Some(pos),
                    format!("the link `{written}` leads out of the content folder"),
                )
                .with_hint("link to a tutorial's YAML file by its path from this file, e.g. `other.yaml`"),
            );
            return;
        };
        let stem_len = resolved.rfind('.').unwrap_or(resolved.len());
        let id = &resolved[..stem_len];
        let tutorials = self.tutorials;
        let by_id = self.by_id.get_or_insert_with(|| tutorials.iter().map(|(t, _)| (t.id.as_str(), &**t)).collect());
        let Some(t) = by_id.get(id).copied() else {
            if !self.known.contains(id) {
                let hint = match did_you_mean(id, self.known.iter().copied()) {
                    Some(s) => format!("did you mean `{}`?", relative_from(source.folder, s)),
                    None => "a link to a tutorial names its YAML file, relative to this file".to_string(),
                };
                self.diags.push(
                    Diagnostic::error(
                        source.file,
                        Some(pos),
                        format!("the link `{written}` leads to no tutorial: there is no content/{resolved}"),
                    )
                    .with_hint(hint),
                );
            }
            // A tutorial with errors of its own: those are reported, the link is not.
            return;
        };
        let step = match fragment {
            None | Some("") => None,
            Some(f) => match self.step(source, pos, written, t, f, path) {
                Some(n) => Some(n),
                None => return,
            },
        };
        self.links
            .by_folder
            .entry(source.folder.clone())
            .or_default()
            .insert(written.to_string(), TutorialLink { id: t.id.clone(), step });
    }

    /// The step `fragment` (`step-3`) names in `t`; an error when it has no such step.
    fn step(
        &mut self,
        source: &Source<'_>,
        pos: Pos,
        written: &str,
        t: &Tutorial,
        fragment: &str,
        what: &str,
    ) -> Option<usize> {
        let count = t.steps.len();
        let n = fragment.strip_prefix("step-").and_then(|n| n.parse::<usize>().ok());
        match n {
            Some(n) if (1..=count).contains(&n) => Some(n),
            _ => {
                let nearest = n.map_or(1, |n| n.clamp(1, count.max(1)));
                let steps = if count == 1 { "1 step".to_string() } else { format!("{count} steps") };
                self.diags.push(
                    Diagnostic::error(
                        source.file,
                        Some(pos),
                        format!("the link `{written}` names `#{fragment}`, but {what} has {steps}"),
                    )
                    .with_hint(format!(
                        "did you mean `#step-{nearest}`? A link can name a step as `#step-1` to `#step-{count}`, or none"
                    )),
                );
                None
            }
        }
    }
}

/// Whether a link starts with a scheme (`https:`, `mailto:`): a colon before any `/`,
/// `?` or `#`.
fn has_scheme(link: &str) -> bool {
    match link.find(':') {
        Some(i) => !link[..i].contains(['/', '?', '#']),
        None => false,
    }
}

/// How a file in `folder` links to the tutorial `id`: `../taobao/apply-refund.yaml`.
fn relative_from(folder: &CategoryPath, id: &str) -> String {
    let from: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = id.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to[common.min(to.len())..].join("/"));
    out.push_str(".yaml");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_written_from_the_linking_file() {
        assert_eq!(relative_from(&CategoryPath::new("shop/orders"), "shop/orders/refund"), "refund.yaml");
        assert_eq!(relative_from(&CategoryPath::new("shop/orders"), "taobao/apply"), "../../taobao/apply.yaml");
        assert_eq!(relative_from(&CategoryPath::top(), "a/b"), "a/b.yaml");
        assert!(has_scheme("mailto:x@y") && !has_scheme("a/b:c") && !has_scheme("x.yaml#a:b"));
    }
}

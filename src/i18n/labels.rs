//! UI-label checks: a translation names the same buttons as its source (【我的】 ...
//! [My]), and a source label is translated the same way across the whole site
//! (【账户设置】 is always [Account Settings]). The glossary this learns is also a
//! product of its own (`stepwise i18n glossary`).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;

use super::fields::{self, Document, Texts};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::lang::Lang;
use crate::markdown;
use crate::model::{FieldPath, Site};

/// Where one pairing of a source label with its translation was seen.
#[derive(Debug, Clone)]
struct Sighting {
    doc: usize,
    field: usize,
    pos: Pos,
}

/// target language -> source label -> translated label -> where.
type Pairs = BTreeMap<String, Known>;

/// A translated text with several labels, paired after the single-label ones.
struct MultiLabel<'a> {
    doc: usize,
    field: usize,
    lang: &'a str,
    src: Vec<String>,
    tr: Vec<String>,
    pos: Pos,
}

struct Learned<'a> {
    docs: Vec<Document<'a>>,
    pairs: Pairs,
    warnings: Diagnostics,
}

/// Pairs the labels of every translated text with its source's, and warns where the
/// counts differ.
fn learn<'a>(site: &'a Site, langs: &'a [Lang]) -> Learned<'a> {
    let docs = fields::documents(Texts::of_site(site));
    let source = site.source_lang();
    let mut pairs: Pairs = BTreeMap::new();
    let mut warnings = Diagnostics::new();
    // Single-label texts pair without doubt; they are learnt first and then guide the
    // pairing in texts with several labels, whose order may differ between languages.
    let mut multi: Vec<MultiLabel<'_>> = Vec::new();
    for (di, doc) in docs.iter().enumerate() {
        for (fi, field) in doc.fields.iter().enumerate() {
            if !field.text.is_translatable() {
                continue;
            }
            let src = labels(field.text.source(source));
            for lang in langs {
                let Some(t) = field.text.value(lang) else { continue };
                let tr = labels(&t.text);
                if src.len() != tr.len() {
                    warnings.push(count_warning(doc, &field.path, lang, source, &src, &tr, t.pos));
                    continue;
                }
                match src.len() {
                    0 => {}
                    1 => {
                        let seen = Sighting { doc: di, field: fi, pos: t.pos };
                        add(&mut pairs, lang, &src[0], &tr[0], seen);
                    }
                    _ => multi.push(MultiLabel { doc: di, field: fi, lang, src: src.clone(), tr, pos: t.pos }),
                }
            }
        }
    }
    for MultiLabel { doc: di, field: fi, lang, src, tr, pos } in multi {
        let paired = pair(&src, &tr, pairs.get(lang), &mut 0);
        for (s, t) in src.iter().zip(paired) {
            if let Some(t) = t.and_then(|j| tr.get(j)) {
                add(&mut pairs, lang, s, t, Sighting { doc: di, field: fi, pos });
            }
        }
    }
    Learned { docs, pairs, warnings }
}

/// Source label -> its translations seen so far -> where.
type Known = BTreeMap<String, BTreeMap<String, Vec<Sighting>>>;

/// Pairs the labels of a text with several (as many in `src` as in `tr`): each source
/// label, in order, takes the first translated label not yet taken that is `known` as
/// its translation; the others take the labels left over, in order. Returns, for each
/// source label, the index of its translated label (`None` when `tr` has run out).
///
/// Linear in the labels of the text (plus, per source label, the smaller of its known
/// translations and the text's distinct labels): no label is moved, and what was learnt
/// is only looked at. `work` counts the candidates looked at, for tests.
fn pair(src: &[String], tr: &[String], known: Option<&Known>, work: &mut usize) -> Vec<Option<usize>> {
    // Each distinct translated label -> its positions not yet taken, in order.
    let mut free: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (j, t) in tr.iter().enumerate() {
        free.entry(t.as_str()).or_default().push_back(j);
    }
    let mut taken = vec![false; tr.len()];
    let mut paired: Vec<Option<usize>> = vec![None; src.len()];
    for (i, s) in src.iter().enumerate() {
        let Some(translations) = known.and_then(|k| k.get(s)) else { continue };
        // The first free position among the labels known as translations of `s`.
        let first = if translations.len() <= free.len() {
            *work += translations.len();
            translations.keys().filter_map(|t| free.get(t.as_str())?.front().map(|&j| (j, t.as_str()))).min()
        } else {
            *work += free.len();
            free.iter()
                .filter(|(t, _)| translations.contains_key(**t))
                .filter_map(|(t, q)| Some((*q.front()?, *t)))
                .min()
        };
        if let Some((j, t)) = first {
            free.get_mut(t).and_then(VecDeque::pop_front);
            taken[j] = true;
            paired[i] = Some(j);
        }
    }
    let mut rest = taken.iter().enumerate().filter(|(_, t)| !**t).map(|(j, _)| j);
    *work += tr.len();
    paired.into_iter().map(|p| p.or_else(|| rest.next())).collect()
}

fn add(pairs: &mut Pairs, lang: &str, src: &str, tr: &str, seen: Sighting) {
    pairs
        .entry(lang.to_string())
        .or_default()
        .entry(src.to_string())
        .or_default()
        .entry(tr.to_string())
        .or_default()
        .push(seen);
}

fn count_warning(
    doc: &Document<'_>,
    path: &FieldPath,
    lang: &str,
    source: &str,
    src: &[String],
    tr: &[String],
    pos: Pos,
) -> Diagnostic {
    Diagnostic::warning(
        &doc.file,
        Some(pos),
        format!(
            "the {lang} text of `{path}` names {} UI label{} ({}), the {source} text {} ({})",
            tr.len(),
            if tr.len() == 1 { "" } else { "s" },
            if tr.is_empty() {
                "none".into()
            } else {
                tr.iter().map(|l| bracket(lang, l)).collect::<Vec<_>>().join(", ")
            },
            src.len(),
            src.iter().map(|l| bracket(source, l)).collect::<Vec<_>>().join(", ")
        ),
    )
    .with_hint(
        "write each on-screen label in square brackets, like [Account Settings], one for each label of the source",
    )
}

/// A label as a writer of `lang` brackets it: 【我的】, [My].
fn bracket(lang: &str, label: &str) -> String {
    if ["zh", "ja"].iter().any(|l| lang.starts_with(l)) { format!("【{label}】") } else { format!("[{label}]") }
}

/// The labels of a text, as written (markup entities decoded).
fn labels(text: &str) -> Vec<String> {
    markdown::ui_labels(text).iter().map(|l| unescape(l)).collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// `check`'s label warnings: differing label counts, and translations of a label that
/// differ from the one used most often.
pub(crate) fn check(site: &Site, root: &std::path::Path) -> Diagnostics {
    let glossary = crate::diagnostics::command_line(root, &["i18n", "glossary"], &[]);
    let learned = learn(site, site.config.languages.targets());
    let mut diags = learned.warnings;
    for (lang, by_source) in &learned.pairs {
        for (src, translations) in by_source {
            if translations.len() < 2 {
                continue;
            }
            let preferred = preferred(translations);
            for (tr, seen) in translations.iter().filter(|(t, _)| *t != preferred) {
                let others = translations[preferred].len();
                for s in seen {
                    let doc = &learned.docs[s.doc];
                    let path = &doc.fields[s.field].path;
                    diags.push(
                        Diagnostic::warning(
                            &doc.file,
                            Some(s.pos),
                            format!(
                                "in `{path}`, the label {} is translated as {}, elsewhere as {} ({others} time{})",
                                bracket(site.source_lang(), src),
                                bracket(lang, tr),
                                bracket(lang, preferred),
                                if others == 1 { "" } else { "s" }
                            ),
                        )
                        .with_hint(format!(
                            "use the same {lang} label everywhere, as readers look for it on their screen; \
                             `{glossary}` lists them all"
                        )),
                    );
                }
            }
        }
    }
    diags
}

/// The translation used most often; ties go to the one first met in the site's order.
fn preferred(translations: &BTreeMap<String, Vec<Sighting>>) -> &str {
    translations
        .iter()
        .max_by(|a, b| {
            let first = |s: &Vec<Sighting>| s.iter().map(|x| (x.doc, x.field)).min();
            a.1.len().cmp(&b.1.len()).then_with(|| first(b.1).cmp(&first(a.1)))
        })
        .map_or("", |(t, _)| t.as_str())
}

#[derive(Debug, Serialize)]
pub struct Glossary {
    pub(crate) source_language: String,
    pub(crate) languages: Vec<LanguageGlossary>,
}

#[derive(Debug, Serialize)]
pub(crate) struct LanguageGlossary {
    pub(crate) language: String,
    pub(crate) labels: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Entry {
    pub(crate) source: String,
    /// The preferred translation first, then the others by use.
    pub(crate) translations: Vec<Translation>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Translation {
    pub(crate) text: String,
    pub(crate) count: usize,
}

/// `stepwise i18n glossary`.
pub fn glossary(site: &Site, langs: &[Lang]) -> Glossary {
    let learned = learn(site, langs);
    let languages = langs
        .iter()
        .map(|lang| {
            let labels = learned
                .pairs
                .get(lang.as_str())
                .map(|by_source| {
                    by_source
                        .iter()
                        .map(|(src, translations)| {
                            let preferred = preferred(translations);
                            let mut list: Vec<Translation> = translations
                                .iter()
                                .map(|(t, seen)| Translation { text: t.clone(), count: seen.len() })
                                .collect();
                            list.sort_by_key(|t| (std::cmp::Reverse(t.text == preferred), std::cmp::Reverse(t.count)));
                            Entry { source: src.clone(), translations: list }
                        })
                        .collect()
                })
                .unwrap_or_default();
            LanguageGlossary { language: lang.to_string(), labels }
        })
        .collect();
    Glossary { source_language: site.source_lang().to_string(), languages }
}

impl Glossary {
    /// Tab-separated: source label, translation, times used; one line per pair. Sorts
    /// and pastes into a spreadsheet.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for l in &self.languages {
            let _ = writeln!(out, "# {} -> {}: {} labels", self.source_language, l.language, l.labels.len());
            for e in &l.labels {
                for (i, t) in e.translations.iter().enumerate() {
                    let flag = if i == 0 { "" } else { "\t(inconsistent)" };
                    let _ = writeln!(out, "{}\t{}\t{}{flag}", e.source, t.text, t.count);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels_of(words: &str) -> Vec<String> {
        words.split(' ').map(String::from).collect()
    }

    fn known(pairs: &[(&str, &str)]) -> Known {
        let mut k = Known::new();
        for (s, t) in pairs {
            k.entry(s.to_string()).or_default().entry(t.to_string()).or_default();
        }
        k
    }

    #[test]
    fn pairs_labels_by_what_was_learnt_then_in_order() {
        let k = known(&[("我的", "My"), ("设置", "Settings")]);
        let paired = pair(&labels_of("我的 设置 保存"), &labels_of("Save Settings My"), Some(&k), &mut 0);
        assert_eq!(paired, vec![Some(2), Some(1), Some(0)]);
        // Nothing learnt yet: in order.
        assert_eq!(pair(&labels_of("我的 设置"), &labels_of("Settings My"), None, &mut 0), vec![Some(0), Some(1)]);
        // The first free occurrence is taken, whichever known translation it is.
        let k = known(&[("a", "x"), ("a", "y")]);
        let paired = pair(&labels_of("a a a"), &labels_of("z y x"), Some(&k), &mut 0);
        assert_eq!(paired, vec![Some(1), Some(2), Some(0)]);
    }

    /// The blow-up: one label repeated 200,000 times, in a text whose pairing is
    /// already known (the second copy of a file), moved the whole list once per label.
    /// The work must stay proportional to the labels, whatever the machine's speed.
    #[test]
    fn pairing_many_labels_is_linear() {
        for n in [1_000, 200_000] {
            let labels = vec!["a".to_string(); n];
            let k = known(&[("a", "a")]);
            let mut work = 0;
            let paired = pair(&labels, &labels, Some(&k), &mut work);
            assert!(paired.iter().enumerate().all(|(i, p)| *p == Some(i)));
            assert!(work <= 3 * n, "{work} steps for {n} labels");
        }
        // Many distinct labels, each with many known translations: still bounded by the
        // text's own distinct labels per label.
        let n = 2_000;
        let src: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
        let tr: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
        let mut k = Known::new();
        for s in &src {
            let ts = k.entry(s.clone()).or_default();
            for t in &tr[..50] {
                ts.entry(t.clone()).or_default();
            }
        }
        let mut work = 0;
        pair(&src, &tr, Some(&k), &mut work);
        assert!(work <= 60 * n, "{work} steps for {n} labels");
    }

    #[test]
    fn unescapes_label_markup() {
        assert_eq!(unescape("Q&amp;A &lt;b&gt;"), "Q&A <b>");
        assert_eq!(labels("点击【我的】，再点击【账户设置】"), vec!["我的", "账户设置"]);
        assert_eq!(
            labels("click [My], then [Account Settings] and [a link](https://x.y)"),
            vec!["My", "Account Settings"]
        );
    }
}

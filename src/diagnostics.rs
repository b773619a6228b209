//! Diagnostics: the errors and warnings a run reports about the user's files.
//!
//! Every stage collects problems into a [`Diagnostics`] list instead of stopping at the
//! first one, so a writer fixes ten mistakes in one pass. A diagnostic knows its file,
//! line and column; rendering it (`error: file:line:col: message`, the source line and a
//! caret) happens here too, but printing is left to the binary.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a source file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Pos {
    pub(crate) line: usize,
    pub(crate) col: usize,
}

impl Pos {
    pub(crate) const START: Pos = Pos { line: 1, col: 1 };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user would type it (relative to the working directory when possible).
    pub file: PathBuf,
    /// `None` for problems about a whole file (unreadable, missing).
    pub pos: Option<Pos>,
    pub message: String,
    /// A suggestion on how to fix it, printed on its own line.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, file: file.into(), pos, message: message.into(), hint: None }
    }

    pub(crate) fn warning(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, pos, message) }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The one-line form: `error: file:line:col: message`.
    pub(crate) fn headline(&self) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = display_path(&self.file);
        let line = match self.pos {
            Some(p) => format!("{label}: {file}:{}:{}: {}", p.line, p.col, self.message),
            None => format!("{label}: {file}: {}", self.message),
        };
        // A file name or a quoted value may hold what a terminal would obey.
        if crate::controls::contains_forbidden(&line) { crate::controls::replace(&line) } else { line }
    }

    /// The full form: headline, the offending source line with a caret, and the hint.
    /// `source` is the file's text when it is at hand.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = self.headline();
        if let (Some(pos), Some(text)) = (self.pos, source)
            && let Some(line) = text.lines().nth(pos.line.saturating_sub(1))
        {
            let gutter = pos.line.to_string();
            // A character that moves the terminal's cursor or rings its bell is shown as
            // one replacement character, so the caret still lines up.
            let line: String = line
                .chars()
                .map(|c| match c {
                    '\t' => ' ',
                    c if crate::controls::is_forbidden(c) => char::REPLACEMENT_CHARACTER,
                    c => c,
                })
                .collect();
            let caret_pad: String =
                line.chars().take(pos.col.saturating_sub(1)).map(|c| if is_wide(c) { "  " } else { " " }).collect();
            let _ = write!(
                out,
                "\n {blank} |\n {gutter} | {line}\n {blank} | {caret_pad}^",
                blank = " ".repeat(gutter.len())
            );
        }
        if let Some(hint) = &self.hint {
            // A hint of several lines (a snippet to paste) is indented under its first.
            let _ = write!(out, "\n  = hint: {}", hint.replace('\n', "\n    "));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

/// East Asian wide characters take two terminal columns; the caret must account for them.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Paths in messages use `/` on every platform and drop a leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// A `stepwise` command for a hint, runnable as printed from the folder stepwise was run
/// in: `verb` (`["i18n", "confirm"]`), then `--root` unless the site is that folder, then
/// `args`, each quoted for a POSIX shell when it needs it. Paths in `args` are as
/// [`display_path`] shows them: from the current folder, like `--root`.
pub fn command_line(root: &Path, verb: &[&str], args: &[&str]) -> String {
    let mut words: Vec<String> = std::iter::once("stepwise").chain(verb.iter().copied()).map(shell_word).collect();
    if !is_current_dir(root) {
        words.push("--root".into());
        words.push(shell_word(&display_path(root)));
    }
    words.extend(args.iter().map(|a| shell_word(a)));
    words.join(" ")
}

fn is_current_dir(root: &Path) -> bool {
    if matches!(display_path(root).as_str(), "" | ".") {
        return true;
    }
    let here = std::env::current_dir().and_then(std::fs::canonicalize);
    matches!((std::fs::canonicalize(root), here), (Ok(a), Ok(b)) if a == b)
}

/// `word` as a shell reads it back: unchanged when it is plain, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ':' | '@' | '%' | ',' | '='));
    if plain { word.to_string() } else { format!("'{}'", word.replace('\'', "'\\''")) }
}

/// The problems of one run, in a stable order once [`Diagnostics::sorted`] is called.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// The diagnostic pushed last, to attach a hint. Panics only on an empty list, which
    /// callers never have right after `push`.
    pub(crate) fn last_mut(&mut self) -> &mut Diagnostic {
        self.items.last_mut().expect("a diagnostic was just pushed")
    }

    pub(crate) fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub(crate) fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file, then position, errors before warnings at the same place: output is
    /// deterministic even though files are validated in parallel.
    pub(crate) fn sorted(mut self) -> Self {
        self.items
            .sort_by(|a, b| (&a.file, a.pos, a.severity, &a.message).cmp(&(&b.file, b.pos, b.severity, &b.message)));
        self.items.dedup();
        self
    }

    /// `3 errors, 1 warning in 2 files`.
    pub fn summary(&self) -> String {
        let mut files: Vec<&Path> = self.items.iter().map(|d| d.file.as_path()).collect();
        files.sort();
        files.dedup();
        let e = self.error_count();
        let w = self.warning_count();
        format!("{e} error{}, {w} warning{} in {} file{}", plural(e), plural(w), files.len(), plural(files.len()))
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics { items: iter.into_iter().collect() }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Why a run failed. Content problems exit with 1, usage and I/O problems with 2.
#[derive(Debug)]
pub struct Failure {
    pub kind: FailureKind,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The site's files have errors.
    Content,
    /// The command cannot run: a bad argument, a file that cannot be read or written.
    Io,
}

impl Failure {
    pub(crate) fn content(diagnostics: Diagnostics) -> Failure {
        Failure { kind: FailureKind::Content, diagnostics }
    }

    /// One I/O or usage problem about `path`.
    pub(crate) fn io(path: &Path, message: impl Into<String>) -> Failure {
        Failure { kind: FailureKind::Io, diagnostics: Diagnostics::from_iter([Diagnostic::error(path, None, message)]) }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The closest candidate to a misspelt word, for "did you mean" hints.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let d = edit_distance(&word_l, &cand.to_lowercase());
        // A prefix ("eng" for "en") counts as close, whatever its length.
        let close = d <= (cand.chars().count().max(2) / 3).max(1)
            || (word_l.len() >= 2 && (cand.starts_with(&word_l) || word_l.starts_with(cand)));
        if close && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Damerau-Levenshtein (optimal string alignment) distance: a swap of two letters
/// (`stpes` for `steps`) counts as one edit.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys() {
        let keys = ["title", "steps", "notes", "tags"];
        assert_eq!(did_you_mean("stpes", keys), Some("steps"));
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("eng", ["zh", "en"]), Some("en"));
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn renders_caret_under_wide_text() {
        let d = Diagnostic::error("a.yaml", Some(Pos { line: 2, col: 5 }), "bad").with_hint("fix it");
        let text = "x: 1\n中文: [oops\n";
        let out = d.render(Some(text));
        assert_eq!(out, "error: a.yaml:2:5: bad\n   |\n 2 | 中文: [oops\n   |       ^\n  = hint: fix it");
    }

    #[test]
    fn commands_in_hints_can_be_pasted() {
        let file = "content/a b/it's.yaml";
        assert_eq!(
            command_line(Path::new("."), &["i18n", "confirm"], &[file]),
            "stepwise i18n confirm 'content/a b/it'\\''s.yaml'"
        );
        assert_eq!(
            command_line(Path::new("../my site"), &["i18n", "confirm"], &["--all"]),
            "stepwise i18n confirm --root '../my site' --all"
        );
    }

    #[test]
    fn hints_of_several_lines_are_indented() {
        let d = Diagnostic::warning("site.toml", None, "no description").with_hint("add:\n[description]\nen = \"x\"");
        assert_eq!(
            d.render(None),
            "warning: site.toml: no description\n  = hint: add:\n    [description]\n    en = \"x\""
        );
    }

    #[test]
    fn summary_counts_files() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("a", None, "x"));
        ds.push(Diagnostic::warning("b", None, "y"));
        ds.push(Diagnostic::error("a", None, "z"));
        assert_eq!(ds.summary(), "2 errors, 1 warning in 2 files");
    }
}

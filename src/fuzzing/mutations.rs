//! The stable cousin of the fuzz targets, run by `cargo test`: a few thousand
//! deterministic mutations of the example site's tutorial files (byte flips, inserts and
//! deletes, YAML snippets, control characters raw and escaped, deep nesting, huge
//! numbers, lines spliced from the other tutorials, indentation changes) go through the
//! pipeline `check` runs, on a copy of the example site. No input may panic; every input
//! that loads is rendered (the pages it changed and every machine file), and every XML
//! file must parse, every JSON file and JSON-LD block must parse, and no file may hold a
//! control character.
//!
//! The site is loaded as the preview loads it after an edit (the one file re-read and
//! re-decoded, the same checks), which keeps each input to milliseconds.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use crate::diagnostics::Failure;
use crate::pipeline::sink::{Body, MemorySink};
use crate::pipeline::{self, Pipeline, Purpose, Reload};

/// Inputs per run: enough to reach every decoder path many times, small enough for
/// ~10 s in a debug build.
const INPUTS: usize = 3000;

/// splitmix64: deterministic, so a failure names an input that can be made again.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// YAML syntax and values that mean something to the decoder or the renderer.
const SNIPPETS: &[&str] = &[
    ": ",
    "- ",
    "-",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "''",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "!x ",
    "? ",
    "|",
    "|-",
    ">-",
    "\t",
    "\n---\n",
    "\n...\n",
    "%YAML 1.2\n",
    "~",
    "null",
    " #",
    "#",
    "@",
    "`",
    "zh: ",
    "en: ",
    "ja: ",
    "fr: ",
    "title: ",
    "summary: ",
    "steps:\n",
    "  - text: ",
    "image: ",
    "box: ",
    "related: ",
    "tags: ",
    "author: ",
    "date: ",
    "updated: ",
    "note: ",
    "tip: ",
    "warning: ",
    "{zh: 中, en: En}",
    "[a, b]",
    "{}",
    "[]",
    "[x](other.yaml)",
    "[x](../taobao/request-refund.yaml#step-3)",
    "[x](#step-99)",
    "[x](javascript:alert(1))",
    "[x](/\\evil.example)",
    "<script>alert(1)</script>",
    "]]>",
    "<![CDATA[",
    "&amp;",
    "&#0;",
    "【我的】",
    "[Save]",
    "**",
    "_",
    "`code`",
    "~~",
    "\\",
    "step-01.png",
    "../../../etc/passwd",
    "/dev/zero",
    "C:\\x.png",
    "x.PNG",
    "\u{202e}",
    "😀",
    "中文",
    "ｆｕｌｌ",
    "\u{301}",
    "\u{200b}",
    "\r\n",
];

/// Control characters as they arrive from the keyboard or a paste.
const CONTROLS: &[&str] = &[
    "\u{0}",
    "\u{1}",
    "\u{7}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{1b}",
    "\u{1f}",
    "\u{7f}",
    "\u{80}",
    "\u{85}",
    "\u{9f}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{1fffe}",
    "\u{d7ff}",
    "\r",
];

/// Escapes of a double-quoted YAML text that produce control characters and friends.
const ESCAPES: &[&str] = &[
    "\\a",
    "\\b",
    "\\x07",
    "\\v",
    "\\f",
    "\\0",
    "\\e",
    "\\u0000",
    "\\u001b",
    "\\x7f",
    "\\x85",
    "\\N",
    "\\L",
    "\\P",
    "\\uFFFE",
    "\\uFEFF",
    "\\U0010FFFF",
    "\\_",
    "\\t",
    "\\r",
    "\\\"",
];

const NUMBERS: &[&str] = &[
    "99999999999999999999999999",
    "18446744073709551616",
    "-9223372036854775809",
    "-1",
    "0",
    "00",
    "1e400",
    "0x7fffffffffffffff",
    ".inf",
    ".nan",
    "4294967296",
    "2024-02-30",
    "9999-12-31",
    "0000-00-00",
    "2024-13-01",
    "99999-01-01",
];

/// A char boundary of `bytes` at or after `at` (or the end).
fn boundary(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && (bytes[at] & 0xC0) == 0x80 {
        at += 1;
    }
    at.min(bytes.len())
}

/// Byte offsets just after every `": "` (the start of a mapping value).
fn value_starts(bytes: &[u8]) -> Vec<usize> {
    bytes.windows(2).enumerate().filter(|(_, w)| w == b": ").map(|(i, _)| i + 2).collect()
}

fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0).chain(bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1)).collect()
}

/// A place for a value: after a `: ` when the file has one, anywhere otherwise.
fn value_spot(rng: &mut Rng, bytes: &[u8]) -> usize {
    let starts = value_starts(bytes);
    if starts.is_empty() { boundary(bytes, rng.below(bytes.len() + 1)) } else { *rng.pick(&starts) }
}

fn nesting(rng: &mut Rng) -> String {
    let depth = *rng.pick(&[8, 63, 64, 65, 200, 3000]);
    match rng.below(4) {
        0 => format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        1 => format!("{}x{}", "{a: ".repeat(depth), "}".repeat(depth)),
        2 => (0..depth.min(300)).map(|d| format!("\n{}- ", "  ".repeat(d))).collect(),
        _ => (0..depth.min(300)).map(|d| format!("\n{}k{d}:", "  ".repeat(d))).collect::<String>() + " x",
    }
}

/// One to three mutations of `original`; `others` are the other files, to splice from.
fn mutate(rng: &mut Rng, original: &str, others: &[String]) -> Vec<u8> {
    let mut bytes = original.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let len = bytes.len();
        let at = boundary(&bytes, rng.below(len + 1));
        match rng.below(11) {
            0 if len > 0 => {
                let i = rng.below(len);
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => {
                let junk: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.next() as u8).collect();
                bytes.splice(at..at, junk);
            }
            2 => {
                let end = boundary(&bytes, (at + 1 + rng.below(40)).min(len));
                bytes.drain(at..end);
            }
            3 => {
                let spot = if rng.below(2) == 0 { at } else { value_spot(rng, &bytes) };
                bytes.splice(spot..spot, rng.pick(SNIPPETS).bytes());
            }
            4 => {
                let spot = value_spot(rng, &bytes);
                let s = rng.pick(CONTROLS).repeat(1 + rng.below(3));
                let spot = boundary(&bytes, spot + rng.below(6));
                bytes.splice(spot..spot, s.bytes());
            }
            5 => {
                // A whole value made a double-quoted text with an escape in it.
                let spot = value_spot(rng, &bytes);
                let end = bytes[spot..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |e| spot + e);
                let value = String::from_utf8_lossy(&bytes[spot..end]).replace(['"', '\\'], "");
                let cut = value.char_indices().nth(rng.below(value.chars().count() + 1)).map_or(value.len(), |c| c.0);
                let quoted = format!("\"{}{}{}\"", &value[..cut], rng.pick(ESCAPES), &value[cut..]);
                bytes.splice(spot..end, quoted.bytes());
            }
            6 => {
                let spot = value_spot(rng, &bytes);
                let end = bytes[spot..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |e| spot + e);
                let nested = nesting(rng);
                bytes.splice(spot..end, nested.bytes());
            }
            7 => {
                // A run of digits (a step number, a date, a box) made huge or odd.
                let digits: Vec<usize> = (0..len).filter(|&i| bytes[i].is_ascii_digit()).collect();
                if let Some(&i) = (!digits.is_empty()).then(|| rng.pick(&digits)) {
                    let end = (i..len).find(|&j| !bytes[j].is_ascii_digit()).unwrap_or(len);
                    bytes.splice(i..end, rng.pick(NUMBERS).bytes());
                } else {
                    let spot = value_spot(rng, &bytes);
                    bytes.splice(spot..spot, rng.pick(NUMBERS).bytes());
                }
            }
            8 => {
                // Lines of another tutorial, at a line start.
                let other = rng.pick(others).as_bytes();
                let lines = line_starts(other);
                let from = *rng.pick(&lines);
                let to = lines.iter().copied().filter(|&l| l > from).nth(rng.below(6)).unwrap_or(other.len());
                let spot = *rng.pick(&line_starts(&bytes));
                bytes.splice(spot..spot, other[from..to].iter().copied());
            }
            9 => {
                // A line indented differently, duplicated, or removed.
                let lines = line_starts(&bytes);
                let spot = *rng.pick(&lines);
                match rng.below(4) {
                    0 => bytes.splice(spot..spot, " ".repeat(1 + rng.below(8)).bytes()).for_each(drop),
                    1 => {
                        let n = bytes[spot..].iter().take_while(|b| **b == b' ').count().min(1 + rng.below(4));
                        bytes.drain(spot..spot + n);
                    }
                    2 => {
                        let end = bytes[spot..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |e| spot + e + 1);
                        let line = bytes[spot..end].to_vec();
                        bytes.splice(spot..spot, line);
                    }
                    _ => {
                        let end = bytes[spot..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |e| spot + e + 1);
                        bytes.drain(spot..end);
                    }
                }
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let Ok(rel) = entry.path().strip_prefix(from) else { continue };
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// What one input came to.
enum Outcome {
    /// Refused, with diagnostics.
    Refused,
    /// Loaded; the files rendered.
    Built(usize),
}

/// Loads the site after an edit of `touched`, and renders what changed. An output file
/// that is not well formed is the error.
fn run_once(pipeline: &mut Pipeline, docs: &pipeline::DocStore, touched: &[PathBuf]) -> Result<Outcome, String> {
    let (loaded, changes) = match pipeline.load(Reload::Content(Some(touched))) {
        Ok(l) => l,
        Err(Failure { diagnostics, .. }) => {
            for d in diagnostics.iter() {
                let source = std::fs::read_to_string(&d.file).ok();
                let _ = d.render(source.as_deref());
            }
            return Ok(Outcome::Refused);
        }
    };
    let plan = crate::images::plan(&loaded.site);
    let pages: Vec<_> = loaded.pages().into_iter().filter(|p| changes.touches(p)).collect();
    let sink = MemorySink::default();
    pipeline.render(&loaded, &plan, &pages, &sink).map_err(|f| format!("render failed: {:?}", f.diagnostics))?;
    pipeline::machine_files(&loaded, &sink, docs).map_err(|e| e.to_string())?;
    let _ = crate::i18n::labels::check(&loaded.site, std::path::Path::new("."));
    pipeline.commit(loaded);
    let files = sink.into_files();
    for (path, body) in &files {
        let Body::Bytes(bytes) = body else { continue };
        let text = std::str::from_utf8(bytes).map_err(|e| format!("{path}: not UTF-8: {e}"))?;
        well_formed(path, text)?;
    }
    Ok(Outcome::Built(files.len()))
}

/// The checks every output file passes: no control characters, XML that parses, JSON
/// (files and JSON-LD blocks) that parses.
fn well_formed(path: &str, text: &str) -> Result<(), String> {
    if let Some(c) = text.chars().find(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_nonchar(*c)) {
        return Err(format!("{path}: holds the control character U+{:04X}", c as u32));
    }
    if path.ends_with(".xml") {
        roxmltree::Document::parse(text).map_err(|e| format!("{path}: ill-formed XML: {e}"))?;
    } else if path.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(text).map_err(|e| format!("{path}: ill-formed JSON: {e}"))?;
    } else if path.ends_with(".html") {
        const OPEN: &str = "<script type=\"application/ld+json\">";
        for block in text.split(OPEN).skip(1) {
            let json = block.split_once("</script>").map_or(block, |(j, _)| j);
            serde_json::from_str::<serde_json::Value>(json).map_err(|e| format!("{path}: ill-formed JSON-LD: {e}"))?;
        }
    }
    Ok(())
}

fn is_nonchar(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || (n & 0xFFFE) == 0xFFFE
}

#[test]
fn thousands_of_mutated_texts_render_balanced_html() {
    // Every value written in the example's files, mutated, through the inline renderer
    // (which panics on unbalanced or unescaped HTML).
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let texts: Vec<String> = walkdir::WalkDir::new(repo.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .flat_map(|t| t.lines().filter_map(|l| l.split_once(": ").map(|(_, v)| v.to_string())).collect::<Vec<_>>())
        .collect();
    assert!(texts.len() > 100);
    let mut rng = Rng(0x3a4d_0015);
    for n in 0..5000 {
        let original = rng.pick(&texts);
        let bytes = mutate(&mut rng, original, &texts);
        let Ok(text) = String::from_utf8(bytes) else { continue };
        if catch_unwind(|| super::inline_markdown(&text)).is_err() {
            panic!("text {n}: {text:?}");
        }
    }
}

#[test]
fn thousands_of_mutated_tutorials_never_panic_nor_make_ill_formed_files() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for file in ["site.toml", "i18n.lock"] {
        std::fs::copy(repo.join(file), root.join(file)).unwrap();
    }
    copy_dir(&repo.join("content"), &root.join("content"));
    copy_dir(&repo.join("themes"), &root.join("themes"));
    let mut tutorials: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    // The categories and the authors are mutated too, more rarely (they are fewer).
    tutorials.sort();
    let originals: Vec<String> = tutorials.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();

    let mut pipeline = Pipeline::new(&root, Purpose::Preview);
    // The search entries kept between edits, as the preview keeps them.
    let docs = pipeline::DocStore::memory();
    match run_once(&mut pipeline, &docs, &[]) {
        Ok(Outcome::Built(n)) => assert!(n > 50, "the example site renders only {n} files"),
        Ok(Outcome::Refused) => panic!("the example site does not load"),
        Err(e) => panic!("the example site: {e}"),
    }
    let mut rng = Rng(0x5713_9015);
    let (mut built, mut refused) = (0, 0);
    let mut last: Option<usize> = None;
    for n in 0..INPUTS {
        let i = rng.below(tutorials.len());
        let input = mutate(&mut rng, &originals[i], &originals);
        let mut touched = vec![tutorials[i].clone()];
        if let Some(j) = last.filter(|&j| j != i) {
            std::fs::write(&tutorials[j], &originals[j]).unwrap();
            touched.push(tutorials[j].clone());
        }
        std::fs::write(&tutorials[i], &input).unwrap();
        last = Some(i);
        let result = catch_unwind(AssertUnwindSafe(|| run_once(&mut pipeline, &docs, &touched)));
        let problem = match result {
            Ok(Ok(Outcome::Built(_))) => {
                built += 1;
                continue;
            }
            Ok(Ok(Outcome::Refused)) => {
                refused += 1;
                continue;
            }
            Ok(Err(problem)) => problem,
            Err(_) => "panicked".to_string(),
        };
        let saved = std::env::temp_dir().join(format!("stepwise-mutation-{n}.yaml"));
        let _ = std::fs::write(&saved, &input);
        panic!(
            "input {n} (a mutation of {}): {problem}\n  the input is saved in {}",
            tutorials[i].strip_prefix(&root).unwrap_or(&tutorials[i]).display(),
            saved.display()
        );
    }
    // Both sides must be exercised, or the test proves little.
    assert!(built > INPUTS / 20 && refused > INPUTS / 20, "built {built}, refused {refused} of {INPUTS}");
}

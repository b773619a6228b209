//! Reading the layout of YAML text: lines, ends of scalars, comments, and the "units" of a
//! block collection (a child's lines together with the comments that belong to it).

use std::ops::Range;

/// The start of the line holding `pos`.
pub(crate) fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `pos`, before its line break (`\n` or `\r\n`).
pub(crate) fn line_end(text: &str, pos: usize) -> usize {
    match text[pos..].find('\n') {
        Some(i) if text[..pos + i].ends_with('\r') => pos + i - 1,
        Some(i) => pos + i,
        None => text.len(),
    }
}

/// The start of the line after the one holding `pos` (the end of the text on the last line).
pub(crate) fn next_line(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// The column (in characters) of `pos` on its line.
pub(crate) fn col_of(text: &str, pos: usize) -> usize {
    text[line_start(text, pos)..pos].chars().count()
}

/// Bytes up to the first space, line break or flow indicator: the length of an alias name.
pub(crate) fn word_len(s: &str) -> usize {
    s.find([' ', '\t', '\r', '\n', ',', ']', '}']).unwrap_or(s.len())
}

/// Whether the text holds only spaces (a line's content without its break).
pub(crate) fn is_blank(line: &str) -> bool {
    line.trim_matches([' ', '\t', '\r']).is_empty()
}

/// The column of a line's comment, when the line holds only a comment.
fn comment_col(line: &str) -> Option<usize> {
    let content = line.trim_start_matches(' ');
    content.starts_with('#').then(|| line.len() - content.len())
}

/// What follows a value on its line, when that is only spaces and a comment: `" # note"`.
pub(crate) fn trailing_comment(text: &str, from: usize) -> &str {
    let rest = &text[from..line_end(text, from)];
    if rest.trim_start().starts_with('#') { rest.trim_end() } else { "" }
}

/// The position of the `:` after a key ending at `from`.
pub(crate) fn colon_after(text: &str, from: usize, in_flow: bool) -> Option<usize> {
    let skip: &[char] = if in_flow { &[' ', '\t', '\r', '\n'] } else { &[' ', '\t'] };
    let rest = text[from..].trim_start_matches(skip);
    rest.starts_with(':').then(|| text.len() - rest.len())
}

/// The end of a single- or double-quoted scalar whose opening quote is at `start`.
pub(crate) fn quoted_end(text: &str, start: usize, quote: char) -> Option<usize> {
    let body = start + quote.len_utf8();
    let mut chars = text.get(body..)?.char_indices();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && text[body + i + 1..].starts_with('\'') {
                chars.next();
            } else {
                return Some(body + i + 1);
            }
        }
    }
    None
}

/// The end of a plain scalar starting at `start` whose value is `value`: the value is read
/// along the text, a line break (with the spaces around it) standing for the space or the
/// line breaks that folding made of it.
pub(crate) fn plain_end(text: &str, start: usize, value: &str) -> Option<usize> {
    let mut at = start;
    let mut wanted = value.chars().peekable();
    while let Some(&want) = wanted.peek() {
        if matches!(want, ' ' | '\n')
            && let Some((after, breaks)) = fold_at(text, at)
        {
            if breaks == 1 {
                (wanted.next() == Some(' ')).then_some(())?;
            } else {
                for _ in 1..breaks {
                    (wanted.next() == Some('\n')).then_some(())?;
                }
            }
            at = after;
            continue;
        }
        let c = text[at..].chars().next()?;
        if c != want {
            return None;
        }
        at += c.len_utf8();
        wanted.next();
    }
    Some(at)
}

/// At `at`: spaces, one or more line breaks (with spaces between them) and the next line's
/// indentation. Returns where the next line's content starts and the number of breaks.
fn fold_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let blanks = |i: usize| i + text[i..].len() - text[i..].trim_start_matches([' ', '\t']).len();
    let line_break = |i: usize| {
        if text[i..].starts_with("\r\n") {
            Some(i + 2)
        } else if text[i..].starts_with('\n') {
            Some(i + 1)
        } else {
            None
        }
    };
    let mut i = line_break(blanks(at))?;
    let mut breaks = 1;
    loop {
        let next = blanks(i);
        match line_break(next) {
            Some(after) => {
                i = after;
                breaks += 1;
            }
            None => return Some((next, breaks)),
        }
    }
}

/// A child of a block collection with its own lines: the comment lines right above it,
/// its lines, and the comment lines after it that are indented deeper than it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Unit {
    pub(crate) start: usize,
    /// Where the child's `-` or key is.
    pub(crate) head: usize,
    /// After the line break of its last line (or of its last comment).
    pub(crate) end: usize,
    /// The column of `head`.
    pub(crate) col: usize,
    /// `head` is the first thing on its line (not `- key:`).
    pub(crate) own_line: bool,
}

/// The units of a block collection's children, given where each child starts (its `-` or
/// key) and where its value ends. Fails when something other than a comment follows a child
/// on its last line.
pub(crate) fn units(text: &str, children: &[Range<usize>]) -> Result<Vec<Unit>, &'static str> {
    let mut units: Vec<Unit> = Vec::with_capacity(children.len());
    for child in children {
        let head_line = line_start(text, child.start);
        let own_line = text[head_line..child.start].chars().all(|c| c == ' ');
        let col = col_of(text, child.start);
        let after = &text[child.end..line_end(text, child.end)];
        if !is_blank(after) && !after.trim_start().starts_with('#') {
            return Err("something follows a value on its line");
        }
        let mut end = next_line(text, child.end);
        while end < text.len() {
            let line = &text[end..line_end(text, end)];
            if comment_col(line).is_some_and(|c| c > col) {
                end = next_line(text, end);
            } else {
                break;
            }
        }
        let mut start = if own_line { head_line } else { child.start };
        let floor = units.last().map_or(0, |u| u.end);
        while own_line && start > floor {
            let above = line_start(text, start - 1);
            if above >= floor && comment_col(&text[above..line_end(text, above)]).is_some() {
                start = above;
            } else {
                break;
            }
        }
        units.push(Unit { start, head: child.start, end, col, own_line });
    }
    Ok(units)
}

/// The longest run of blank lines in a separator between units (comments not counted),
/// written again with `nl`.
pub(crate) fn blank_lines(separator: &str, nl: &str) -> String {
    let (mut run, mut longest) = (0, 0);
    for line in separator.split_inclusive('\n') {
        run = if is_blank(line.trim_end_matches('\n')) { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    nl.repeat(longest)
}

/// Indents every non-empty line by `spaces`, joined with `nl` (no final line break).
pub(crate) fn indent_lines<'a>(lines: impl IntoIterator<Item = &'a str>, spaces: usize, nl: &str) -> String {
    let pad = " ".repeat(spaces);
    let lines: Vec<String> =
        lines.into_iter().map(|l| if l.is_empty() { String::new() } else { format!("{pad}{l}") }).collect();
    lines.join(nl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_plain_scalars() {
        let text = "a: plain text # c\nb: folded\n  over  lines\n\n  and more\nc: x";
        assert_eq!(plain_end(text, 3, "plain text"), Some(13));
        let start = text.find("folded").unwrap();
        let end = plain_end(text, start, "folded over  lines\nand more").unwrap();
        assert_eq!(&text[end..end + 3], "\nc:");
        assert_eq!(plain_end(text, 3, "plain texts"), None);
    }

    #[test]
    fn finds_the_end_of_quoted_scalars() {
        let text = r#"a: "x \" y\\" 'it''s' "#;
        assert_eq!(quoted_end(text, 3, '"'), Some(13));
        assert_eq!(&text[14..quoted_end(text, 14, '\'').unwrap()], "'it''s'");
        assert_eq!(quoted_end("'open", 0, '\''), None);
    }

    #[test]
    fn units_take_their_comments() {
        let text = "list:\n  # about a\n  - a\n    # more about a\n\n  # about b\n  - b # b\n# end\n";
        let a = text.find("- a").unwrap();
        let b = text.find("- b").unwrap();
        let units = units(text, &[a..a + 3, b..b + 3]).unwrap();
        assert_eq!(&text[units[0].start..units[0].end], "  # about a\n  - a\n    # more about a\n");
        assert_eq!(&text[units[0].end..units[1].start], "\n");
        assert_eq!(&text[units[1].start..units[1].end], "  # about b\n  - b # b\n");
    }
}

//! Golden tests: each edit's whole output text, so every other byte is seen unchanged;
//! round trips of many texts through every scalar style, read back by the loader; list
//! edits on a real tutorial; refusals; and inputs that must not panic.

use super::*;
use crate::load::yaml::{self as loader, Value};

fn run(src: &str, edit: Edit) -> String {
    apply(src, &edit).unwrap_or_else(|e| panic!("{edit:?} failed: {e}\n--- source:\n{src}"))
}

fn set(src: &str, at: &str, value: &str) -> String {
    run(src, Edit::SetText { path: path(at), value: value.into() })
}

fn set_yaml(src: &str, at: &str, yaml: &str) -> String {
    run(src, Edit::SetYaml { path: path(at), yaml: yaml.into() })
}

fn remove_key(src: &str, at: &str) -> String {
    run(src, Edit::RemoveKey { path: path(at) })
}

fn insert(src: &str, seq: &str, at: usize, yaml: &str) -> String {
    run(src, Edit::InsertItem { seq: path(seq), at, yaml: yaml.into() })
}

fn remove(src: &str, seq: &str, index: usize) -> String {
    run(src, Edit::RemoveItem { seq: path(seq), index })
}

fn move_item(src: &str, seq: &str, from: usize, to: usize) -> String {
    run(src, Edit::MoveItem { seq: path(seq), from, to })
}

/// The value at `at` as the loader reads it.
fn loaded(text: &str, at: &str) -> Value {
    let mut node = loader::parse(text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
    for seg in path(at) {
        node = match (seg, node.value) {
            (Seg::Key(k), Value::Map(entries)) => entries.into_iter().find(|(key, _)| key.name == k).unwrap().1,
            (Seg::Index(i), Value::Seq(items)) => items.into_iter().nth(i).unwrap(),
            (seg, value) => panic!("{seg:?} in {value:?}"),
        };
    }
    node.value
}

fn text(s: &str) -> Value {
    Value::Str(s.into())
}

// ---------------------------------------------------------------- scalars, golden

#[test]
fn plain_stays_plain() {
    let src = "# A tutorial\ntitle:\n  zh: 你好 # greeting\n  en: Hello\n\ndate: 2024-08-03\n";
    assert_eq!(
        set(src, "title.en", "Hi there, [Save] it"),
        "# A tutorial\ntitle:\n  zh: 你好 # greeting\n  en: Hi there, [Save] it\n\ndate: 2024-08-03\n"
    );
    assert_eq!(
        set(src, "title.zh", "【我的】"),
        "# A tutorial\ntitle:\n  zh: 【我的】 # greeting\n  en: Hello\n\ndate: 2024-08-03\n"
    );
    // A date stays a date; a text that looks like a date where there was none is quoted.
    assert_eq!(set(src, "date", "2024-09-01"), src.replace("2024-08-03", "2024-09-01"));
    assert_eq!(set(src, "title.en", "2024-09-01"), src.replace("en: Hello", "en: \"2024-09-01\""));
}

#[test]
fn plain_is_quoted_when_the_text_needs_it() {
    let src = "a: old # note\nb: x\n";
    let cases = [
        ("Note: click", "\"Note: click\""),
        ("Tap #2", "\"Tap #2\""),
        ("C#", "C#"),
        ("see # below", "\"see # below\""),
        ("[My] then [Settings]", "\"[My] then [Settings]\""),
        ("{x}", "\"{x}\""),
        ("*bold*", "\"*bold*\""),
        ("&more", "\"&more\""),
        ("!important", "\"!important\""),
        ("| pipe", "\"| pipe\""),
        ("> quote", "\"> quote\""),
        ("%d", "\"%d\""),
        ("@user", "\"@user\""),
        ("`code`", "\"`code`\""),
        ("- item", "\"- item\""),
        ("? what", "\"? what\""),
        ("  leading", "\"  leading\""),
        ("trailing ", "\"trailing \""),
        ("yes", "\"yes\""),
        ("No", "\"No\""),
        ("null", "\"null\""),
        ("~", "\"~\""),
        ("true", "\"true\""),
        ("123", "\"123\""),
        ("1.5", "\"1.5\""),
        ("2024-05-01", "\"2024-05-01\""),
        ("", "\"\""),
        ("He said \"hi\"", "He said \"hi\""),
        ("\"quoted\"", "\"\\\"quoted\\\"\""),
        ("'single'", "\"'single'\""),
        ("back\\slash", "back\\slash"),
        ("two\nlines", "\"two\\nlines\""),
        ("tab\there", "\"tab\\there\""),
        ("ends with:", "\"ends with:\""),
        ("a:b", "a:b"),
    ];
    for (value, written) in cases {
        let out = set(src, "a", value);
        assert_eq!(out, format!("a: {written} # note\nb: x\n"), "{value:?}");
        assert_eq!(loaded(&out, "a"), text(value), "{value:?}");
    }
}

#[test]
fn quoted_scalars_keep_their_quotes() {
    let src = "a: 'Tap ''Save''' # single\nb: \"Say \\\"hi\\\"\\n\" # double\n";
    assert_eq!(set(src, "a", "It's done"), "a: 'It''s done' # single\nb: \"Say \\\"hi\\\"\\n\" # double\n");
    assert_eq!(set(src, "a", "line\nbreak"), "a: \"line\\nbreak\" # single\nb: \"Say \\\"hi\\\"\\n\" # double\n");
    assert_eq!(set(src, "b", "C:\\ and \"x\""), "a: 'Tap ''Save''' # single\nb: \"C:\\\\ and \\\"x\\\"\" # double\n");
    // Quotes stay even when no longer needed.
    assert_eq!(set(src, "b", "plain"), "a: 'Tap ''Save''' # single\nb: \"plain\" # double\n");
}

#[test]
fn multi_line_quoted_and_plain_scalars_are_replaced_whole() {
    let src = "a: \"first line\n  continued\" # c\nb: plain\n  continued\n  # not a comment? it is\nc: 1\n";
    assert_eq!(set(src, "a", "new"), "a: \"new\" # c\nb: plain\n  continued\n  # not a comment? it is\nc: 1\n");
    assert_eq!(set(src, "b", "new"), "a: \"first line\n  continued\" # c\nb: new\n  # not a comment? it is\nc: 1\n");
}

#[test]
fn literal_block_scalars_stay_literal() {
    let src = "steps:\n    - text: | # the text\n        First line\n        second line\n\n      image: a.png\n";
    assert_eq!(
        set(src, "steps[0].text", "One\n  indented\n\nlast\n"),
        "steps:\n    - text: | # the text\n        One\n          indented\n\n        last\n\n      image: a.png\n"
    );
    // The chomping sign follows the text's final line breaks.
    assert_eq!(
        set(src, "steps[0].text", "no final break"),
        "steps:\n    - text: |- # the text\n        no final break\n\n      image: a.png\n"
    );
    // What a block scalar cannot hold is written double-quoted, keeping the comment.
    assert_eq!(
        set(src, "steps[0].text", "  leading spaces"),
        "steps:\n    - text: \"  leading spaces\" # the text\n\n      image: a.png\n"
    );
    let src = "a: |+\n  kept\n\nb: |2-\n    two deeper\nc: x\n";
    assert_eq!(set(src, "a", "new\n"), "a: |\n  new\n\nb: |2-\n    two deeper\nc: x\n");
    assert_eq!(set(src, "b", "flat"), "a: |+\n  kept\n\nb: |-\n  flat\nc: x\n");
}

#[test]
fn folded_block_scalars_stay_folded() {
    let src = "en: >\n  A long text\n  folded over lines.\n\n  Second paragraph.\nnext: 1\n";
    assert_eq!(
        set(src, "en", "Short.\nNew line.\n\nNew paragraph."),
        "en: >-\n  Short.\n\n  New line.\n\n\n  New paragraph.\nnext: 1\n"
    );
    let out = set(src, "en", "Short.\nNew line.\n\nNew paragraph.");
    assert_eq!(loaded(&out, "en"), text("Short.\nNew line.\n\nNew paragraph."));
}

#[test]
fn empty_values_get_their_text_after_the_colon() {
    let src = "a:\nb: # later\nc: ~\n";
    assert_eq!(set(src, "a", "x"), "a: x\nb: # later\nc: ~\n");
    assert_eq!(set(src, "b", "why"), "a:\nb: why # later\nc: ~\n");
    assert_eq!(set(src, "b", "y"), "a:\nb: \"y\" # later\nc: ~\n");
    assert_eq!(set(src, "c", "z"), "a:\nb: # later\nc: z\n");
    assert_eq!(set(src, "c", "null"), "a:\nb: # later\nc: \"null\"\n");
}

#[test]
fn flow_mappings_and_sequences() {
    let src = "summary: {zh: 你好, en: Hello}   # short\nhighlight: [{x: 0.757, y: 0.919, w: 0.236, h: 0.075}, {x: 0.04, y: 0.278, w: 0.46, h: 0.07}]\n";
    assert_eq!(set(src, "summary.en", "Hi"), src.replace("en: Hello}", "en: Hi}"));
    assert_eq!(
        set(src, "summary.en", "Click [Save], then go"),
        src.replace("en: Hello}", "en: \"Click [Save], then go\"}")
    );
    assert_eq!(set(src, "summary.en", "a:b"), src.replace("en: Hello}", "en: \"a:b\"}"));
    // A coordinate stays a number.
    assert_eq!(set(src, "highlight[1].x", "0.5"), src.replace("x: 0.04", "x: 0.5"));
    assert_eq!(
        set_yaml(src, "highlight", "[{x: 0.1, y: 0.2, w: 0.3, h: 0.05}]"),
        "summary: {zh: 你好, en: Hello}   # short\nhighlight: [{x: 0.1, y: 0.2, w: 0.3, h: 0.05}]\n"
    );
}

#[test]
fn crlf_and_bom_are_kept() {
    let src = "\u{feff}title:\r\n  zh: 你好\r\n  en: Hello\r\nsteps:\r\n  - text: a\r\n  - text: b\r\n";
    assert_eq!(set(src, "title.en", "Hi"), src.replace("Hello", "Hi"));
    assert_eq!(set(src, "title.en", "two\nlines"), src.replace("Hello", "\"two\\nlines\""));
    let src2 = "\u{feff}text: |\r\n  one\r\n  two\r\nnext: x\r\n";
    assert_eq!(set(src2, "text", "a\nb\nc\n"), "\u{feff}text: |\r\n  a\r\n  b\r\n  c\r\nnext: x\r\n");
    assert_eq!(
        set(src, "title.fr", "Salut"),
        "\u{feff}title:\r\n  zh: 你好\r\n  en: Hello\r\n  fr: Salut\r\nsteps:\r\n  - text: a\r\n  - text: b\r\n"
    );
    assert_eq!(
        insert(src, "steps", 2, "text: c\nimage: c.png"),
        "\u{feff}title:\r\n  zh: 你好\r\n  en: Hello\r\nsteps:\r\n  - text: a\r\n  - text: b\r\n  - text: c\r\n    image: c.png\r\n"
    );
    assert_eq!(
        move_item(src, "steps", 1, 0),
        "\u{feff}title:\r\n  zh: 你好\r\n  en: Hello\r\nsteps:\r\n  - text: b\r\n  - text: a\r\n"
    );
    assert_eq!(remove_key(src, "title.zh"), src.replace("  zh: 你好\r\n", ""));
}

#[test]
fn a_last_line_without_a_break_stays_so() {
    let src = "tags: [a]\nsteps:\n- one\n- two";
    assert_eq!(set(src, "steps[1]", "2"), "tags: [a]\nsteps:\n- one\n- \"2\"");
    assert_eq!(move_item(src, "steps", 1, 0), "tags: [a]\nsteps:\n- two\n- one");
    assert_eq!(insert(src, "steps", 2, "three"), "tags: [a]\nsteps:\n- one\n- two\n- three");
    assert_eq!(set(src, "new", "x"), "tags: [a]\nsteps:\n- one\n- two\nnew: x");
}

// ---------------------------------------------------------------- new keys

#[test]
fn a_missing_translation_goes_after_its_siblings() {
    let src =
        "steps:\n  - text:\n      zh: 打开App\n      # en: to do\n    image: a.png # shot\n\n  - text: {zh: 点击}\n";
    assert_eq!(
        set(src, "steps[0].text.en", "Open the app"),
        "steps:\n  - text:\n      zh: 打开App\n      en: Open the app\n      # en: to do\n    image: a.png # shot\n\n  - text: {zh: 点击}\n"
    );
    assert_eq!(
        set(src, "steps[1].text.en", "Click: here"),
        "steps:\n  - text:\n      zh: 打开App\n      # en: to do\n    image: a.png # shot\n\n  - text: {zh: 点击, en: \"Click: here\"}\n"
    );
    assert_eq!(
        set_yaml(src, "steps[0].highlight", "[{x: 0.1, y: 0.2, w: 0.3, h: 0.05}]"),
        "steps:\n  - text:\n      zh: 打开App\n      # en: to do\n    image: a.png # shot\n    highlight: [{x: 0.1, y: 0.2, w: 0.3, h: 0.05}]\n\n  - text: {zh: 点击}\n"
    );
    assert_eq!(
        set_yaml(src, "steps[1].alt", "zh: 按钮\nen: A button"),
        "steps:\n  - text:\n      zh: 打开App\n      # en: to do\n    image: a.png # shot\n\n  - text: {zh: 点击}\n    alt:\n      zh: 按钮\n      en: A button\n"
    );
    assert_eq!(set_yaml("a: {}\n", "a.b", "1"), "a: {b: 1}\n");
}

#[test]
fn four_space_files_get_four_spaces() {
    let src = "title:\n    zh: 标题\nsteps:\n    -   text:\n            zh: 一\n        image: a.png\n";
    assert_eq!(
        set(src, "title.en", "Title"),
        "title:\n    zh: 标题\n    en: Title\nsteps:\n    -   text:\n            zh: 一\n        image: a.png\n"
    );
    assert_eq!(
        set_yaml(src, "summary", "zh: 摘要\nen: Summary"),
        "title:\n    zh: 标题\nsteps:\n    -   text:\n            zh: 一\n        image: a.png\nsummary:\n    zh: 摘要\n    en: Summary\n"
    );
    assert_eq!(
        insert(src, "steps", 1, "text:\n    zh: 二\nimage: b.png"),
        "title:\n    zh: 标题\nsteps:\n    -   text:\n            zh: 一\n        image: a.png\n    -   text:\n            zh: 二\n        image: b.png\n"
    );
}

#[test]
fn a_map_where_a_text_is_needs_the_callers_decision() {
    let src = "text: \"same everywhere\"\nlist: [a]\n";
    assert_eq!(
        apply(src, &Edit::SetText { path: path("text.en"), value: "x".into() }),
        Err(EditError::NotAMap { path: "text".into(), found: "a text" })
    );
    assert_eq!(
        apply(src, &Edit::SetText { path: path("list.en"), value: "x".into() }),
        Err(EditError::NotAMap { path: "list".into(), found: "a list" })
    );
    // The caller may replace the text with a mapping.
    assert_eq!(set_yaml(src, "text", "{zh: 一样, en: same}"), "text: {zh: 一样, en: same}\nlist: [a]\n");
    assert_eq!(set_yaml(src, "text", "zh: 一样\nen: same"), "text:\n  zh: 一样\n  en: same\nlist: [a]\n");
}

#[test]
fn values_change_kind() {
    let src = "text: # the text\n  zh: 一\n  en: one\nnext: 1\n";
    assert_eq!(set(src, "text", "same"), "text: same # the text\nnext: 1\n");
    let src = "highlight: [{x: 0.1, y: 0.1, w: 0.1, h: 0.1}] # boxes\nnext: 1\n";
    assert_eq!(
        set_yaml(src, "highlight", "- {x: 0.2, y: 0.2, w: 0.2, h: 0.2}\n- {x: 0.3, y: 0.3, w: 0.3, h: 0.3}"),
        "highlight: # boxes\n  - {x: 0.2, y: 0.2, w: 0.2, h: 0.2}\n  - {x: 0.3, y: 0.3, w: 0.3, h: 0.3}\nnext: 1\n"
    );
    assert_eq!(set_yaml(src, "highlight", "|\n  a\n  b"), "highlight: | # boxes\n    a\n    b\nnext: 1\n");
}

// ---------------------------------------------------------------- removing keys

#[test]
fn removes_keys_with_their_lines() {
    let src = "title:\n  zh: 标题\n  # English\n  en: Title # t\n    # more on en\n\n# Steps below\nsteps: []\nnotes: [] # end\n";
    assert_eq!(remove_key(src, "title.en"), "title:\n  zh: 标题\n\n# Steps below\nsteps: []\nnotes: [] # end\n");
    assert_eq!(
        remove_key(src, "title.zh"),
        "title:\n  # English\n  en: Title # t\n    # more on en\n\n# Steps below\nsteps: []\nnotes: [] # end\n"
    );
    assert_eq!(
        remove_key(src, "steps"),
        "title:\n  zh: 标题\n  # English\n  en: Title # t\n    # more on en\n\nnotes: [] # end\n"
    );
    assert_eq!(
        remove_key(src, "notes"),
        "title:\n  zh: 标题\n  # English\n  en: Title # t\n    # more on en\n\n# Steps below\nsteps: []\n"
    );
    let one = "a:\n  only: x # c\nb: 1\n";
    assert_eq!(remove_key(one, "a.only"), "a: {}\nb: 1\n");
    let flow = "t: {zh: 一, en: one, fr: un}\n";
    assert_eq!(remove_key(flow, "t.zh"), "t: {en: one, fr: un}\n");
    assert_eq!(remove_key(flow, "t.en"), "t: {zh: 一, fr: un}\n");
    assert_eq!(remove_key(flow, "t.fr"), "t: {zh: 一, en: one}\n");
    assert_eq!(remove_key("t: {zh: 一}\n", "t.zh"), "t: {}\n");
    // The first key of a `- key:` item.
    let items = "steps:\n  - text: a\n    image: a.png\n  - text: b\n";
    assert_eq!(remove_key(items, "steps[0].text"), "steps:\n  - image: a.png\n  - text: b\n");
    assert_eq!(remove_key(items, "steps[0].image"), "steps:\n  - text: a\n  - text: b\n");
    assert_eq!(remove_key(items, "steps[1].text"), "steps:\n  - text: a\n    image: a.png\n  - {}\n");
}

// ---------------------------------------------------------------- lists

/// A real tutorial (content/cross-border-ec/amazon/change-shipping-address.yaml, shortened),
/// with comments and blank lines added.
const TUTORIAL: &str = "\
title:
  zh: 亚马逊怎么修改收货地址？
  en: How to change your shipping address on Amazon?
date: 2024-08-03
tags: [amazon, address, account, order]
steps:
  # Step 1: the account page
  - text:
      zh: 打开亚马逊App，点击右下角的【我的】，再点击【您的账户】。
      en: Open the Amazon app, click [My] in the lower right corner, and then click [Your Account].
    image: change-shipping-address/step-01.png
    highlight: [{x: 0.757, y: 0.919, w: 0.236, h: 0.075}, {x: 0.040, y: 0.278, w: 0.460, h: 0.070}]

  - text:
      zh: 在【账户设置】下点击【您的地址】。
      en: Under [Account Settings], click [Your Addresses].
    image: change-shipping-address/step-02.png # the list
      # (cropped)

  # Step 3
  - text:
      zh: 找到需要修改的地址，点击下方的【编辑】。
      en: \"Find the address: click [Edit] below it.\"
    image: change-shipping-address/step-03.png
notes:
  - kind: warning
    text:
      zh: 订单一旦发货，就不能再在App里修改地址了。
      en: Once an order has shipped, its address can no longer be changed in the app.
# end of file
";

const STEP_1: &str = "  # Step 1: the account page
  - text:
      zh: 打开亚马逊App，点击右下角的【我的】，再点击【您的账户】。
      en: Open the Amazon app, click [My] in the lower right corner, and then click [Your Account].
    image: change-shipping-address/step-01.png
    highlight: [{x: 0.757, y: 0.919, w: 0.236, h: 0.075}, {x: 0.040, y: 0.278, w: 0.460, h: 0.070}]
";

const STEP_2: &str = "  - text:
      zh: 在【账户设置】下点击【您的地址】。
      en: Under [Account Settings], click [Your Addresses].
    image: change-shipping-address/step-02.png # the list
      # (cropped)
";

const STEP_3: &str = "  # Step 3
  - text:
      zh: 找到需要修改的地址，点击下方的【编辑】。
      en: \"Find the address: click [Edit] below it.\"
    image: change-shipping-address/step-03.png
";

const NEW_STEP: &str = "text:\n  zh: 新步骤\n  en: A new step\nimage: change-shipping-address/step-04.png";

const NEW_STEP_LINES: &str = "  - text:
      zh: 新步骤
      en: A new step
    image: change-shipping-address/step-04.png
";

fn tutorial_with(steps: &[&str]) -> String {
    let start = TUTORIAL.find("steps:\n").unwrap() + "steps:\n".len();
    let end = TUTORIAL.find("notes:").unwrap();
    format!("{}{}{}", &TUTORIAL[..start], steps.concat(), &TUTORIAL[end..])
}

#[test]
fn the_tutorial_is_cut_as_the_tests_assume() {
    assert_eq!(tutorial_with(&[STEP_1, "\n", STEP_2, "\n", STEP_3]), TUTORIAL);
}

#[test]
fn moves_steps_with_their_comments() {
    assert_eq!(move_item(TUTORIAL, "steps", 0, 1), tutorial_with(&[STEP_2, "\n", STEP_1, "\n", STEP_3]));
    assert_eq!(move_item(TUTORIAL, "steps", 2, 1), tutorial_with(&[STEP_1, "\n", STEP_3, "\n", STEP_2]));
    assert_eq!(move_item(TUTORIAL, "steps", 2, 0), tutorial_with(&[STEP_3, "\n", STEP_1, "\n", STEP_2]));
    assert_eq!(move_item(TUTORIAL, "steps", 0, 2), tutorial_with(&[STEP_2, "\n", STEP_3, "\n", STEP_1]));
    assert_eq!(move_item(TUTORIAL, "steps", 1, 1), TUTORIAL);
}

#[test]
fn removes_steps_with_their_comments() {
    assert_eq!(remove(TUTORIAL, "steps", 0), tutorial_with(&[STEP_2, "\n", STEP_3]));
    assert_eq!(remove(TUTORIAL, "steps", 1), tutorial_with(&[STEP_1, "\n", STEP_3]));
    assert_eq!(remove(TUTORIAL, "steps", 2), tutorial_with(&[STEP_1, "\n", STEP_2]));
    let one = remove(&remove(TUTORIAL, "steps", 0), "steps", 0);
    assert_eq!(one, tutorial_with(&[STEP_3]));
    // The last step leaves an empty list, and the key keeps its type.
    let none = remove(&one, "steps", 0);
    assert_eq!(none, tutorial_with(&[]).replace("steps:\n", "steps: []\n"));
    assert_eq!(
        remove(TUTORIAL, "notes", 0),
        TUTORIAL.replace(&TUTORIAL[TUTORIAL.find("notes:").unwrap()..TUTORIAL.find("# end").unwrap()], "notes: []\n")
    );
    // An empty list takes a block item as a block list again.
    assert_eq!(insert(&none, "steps", 0, NEW_STEP), tutorial_with(&[NEW_STEP_LINES]));
}

#[test]
fn inserts_steps_with_the_blank_lines_of_their_neighbours() {
    assert_eq!(
        insert(TUTORIAL, "steps", 0, NEW_STEP),
        tutorial_with(&[NEW_STEP_LINES, "\n", STEP_1, "\n", STEP_2, "\n", STEP_3])
    );
    assert_eq!(
        insert(TUTORIAL, "steps", 1, NEW_STEP),
        tutorial_with(&[STEP_1, "\n", NEW_STEP_LINES, "\n", STEP_2, "\n", STEP_3])
    );
    assert_eq!(
        insert(TUTORIAL, "steps", 3, NEW_STEP),
        tutorial_with(&[STEP_1, "\n", STEP_2, "\n", STEP_3, "\n", NEW_STEP_LINES])
    );
    // The fragment may come indented, or with CRLF.
    let indented = NEW_STEP.replace('\n', "\r\n    ");
    assert_eq!(insert(TUTORIAL, "steps", 3, &format!("    {indented}\r\n")), insert(TUTORIAL, "steps", 3, NEW_STEP));
    let compact = "steps:\n- a\n- b\n";
    assert_eq!(insert(compact, "steps", 1, "x"), "steps:\n- a\n- x\n- b\n");
    assert_eq!(insert(compact, "steps", 0, "{k: v}"), "steps:\n- {k: v}\n- a\n- b\n");
}

#[test]
fn flow_lists_fix_their_commas() {
    let src = "tags: [amazon, address, order] # t\n";
    assert_eq!(remove(src, "tags", 0), "tags: [address, order] # t\n");
    assert_eq!(remove(src, "tags", 1), "tags: [amazon, order] # t\n");
    assert_eq!(remove(src, "tags", 2), "tags: [amazon, address] # t\n");
    assert_eq!(remove("tags: [a]\n", "tags", 0), "tags: []\n");
    assert_eq!(insert(src, "tags", 0, "new"), "tags: [new, amazon, address, order] # t\n");
    assert_eq!(insert(src, "tags", 3, "new"), "tags: [amazon, address, order, new] # t\n");
    assert_eq!(insert("tags: []\n", "tags", 0, "new"), "tags: [new]\n");
    assert_eq!(move_item(src, "tags", 0, 2), "tags: [address, order, amazon] # t\n");
    let boxes = "highlight: [\n    {x: 0.1, y: 0.1, w: 0.1, h: 0.1},\n    {x: 0.2, y: 0.2, w: 0.2, h: 0.2}\n  ]\n";
    assert_eq!(
        insert(boxes, "highlight", 2, "{x: 0.3, y: 0.3, w: 0.3, h: 0.3}"),
        "highlight: [\n    {x: 0.1, y: 0.1, w: 0.1, h: 0.1},\n    {x: 0.2, y: 0.2, w: 0.2, h: 0.2},\n    {x: 0.3, y: 0.3, w: 0.3, h: 0.3}\n  ]\n"
    );
    assert_eq!(
        move_item(boxes, "highlight", 1, 0),
        "highlight: [\n    {x: 0.2, y: 0.2, w: 0.2, h: 0.2},\n    {x: 0.1, y: 0.1, w: 0.1, h: 0.1}\n  ]\n"
    );
}

#[test]
fn list_items_of_every_kind() {
    let src = "a:\n  - |\n    literal\n  -\n  - 'quoted' # q\n  - - nested\n    - list\n  - k: v\n";
    assert_eq!(
        set(src, "a[0]", "new\n"),
        "a:\n  - |\n    new\n  -\n  - 'quoted' # q\n  - - nested\n    - list\n  - k: v\n"
    );
    assert_eq!(
        set(src, "a[1]", "filled"),
        "a:\n  - |\n    literal\n  - filled\n  - 'quoted' # q\n  - - nested\n    - list\n  - k: v\n"
    );
    assert_eq!(
        move_item(src, "a", 1, 4),
        "a:\n  - |\n    literal\n  - 'quoted' # q\n  - - nested\n    - list\n  - k: v\n  -\n"
    );
    assert_eq!(remove(src, "a", 3), "a:\n  - |\n    literal\n  -\n  - 'quoted' # q\n  - k: v\n");
    assert_eq!(remove(src, "a[3]", 0), "a:\n  - |\n    literal\n  -\n  - 'quoted' # q\n  - - list\n  - k: v\n");
    assert_eq!(
        set_yaml(src, "a[4]", "k: w\nl: x"),
        "a:\n  - |\n    literal\n  -\n  - 'quoted' # q\n  - - nested\n    - list\n  - k: w\n    l: x\n"
    );
    assert_eq!(
        apply(src, &Edit::MoveItem { seq: path("a[3]"), from: 0, to: 1 }),
        Err(EditError::Unsupported { path: "a[3]".into(), what: "items share a line".into() })
    );
}

#[test]
fn loose_comments_and_blank_lines_stay_in_place() {
    let src = "a:\n- x\n\n# loose comment\n\n- y\n- z\n";
    assert_eq!(move_item(src, "a", 0, 2), "a:\n- y\n\n# loose comment\n\n- z\n- x\n");
    assert_eq!(remove(src, "a", 1), "a:\n- x\n\n# loose comment\n\n- z\n");
    assert_eq!(insert(src, "a", 1, "n"), "a:\n- x\n\n# loose comment\n\n- n\n\n- y\n- z\n");
    assert_eq!(insert(src, "a", 3, "n"), "a:\n- x\n\n# loose comment\n\n- y\n- z\n- n\n");
}

#[test]
fn documents_with_markers_and_lists_at_the_root() {
    let src = "---\n# header\ntitle: x # t\n...\n";
    assert_eq!(set(src, "title", "Save"), "---\n# header\ntitle: Save # t\n...\n");
    assert_eq!(set(src, "new", "Save"), "---\n# header\ntitle: x # t\nnew: Save\n...\n");
    assert_eq!(remove("- a\n- b\n", "", 0), "- b\n");
    assert_eq!(remove("- a # c\n", "", 0), "[] # c\n");
    assert_eq!(remove_key("a: b\n", "a"), "{}\n");
    assert_eq!(insert("- a\n", "", 0, "z"), "- z\n- a\n");
}

#[test]
fn multi_line_items_and_empty_block_scalars() {
    let src = "a:\n  - first item\n    spans lines\n  - b\n";
    assert_eq!(set(src, "a[0]", "one"), "a:\n  - one\n  - b\n");
    assert_eq!(move_item(src, "a", 0, 1), "a:\n  - b\n  - first item\n    spans lines\n");
    assert_eq!(set("a:\n  b: |\nc: 1\n", "a.b", "new\n"), "a:\n  b: |\n    new\nc: 1\n");
    assert_eq!(set("a:\n  - >\n  - x\n", "a[0]", "new"), "a:\n  - >-\n    new\n  - x\n");
    assert_eq!(set("a: >-\n  x\n", "a", ""), "a: \"\"\n");
}

#[test]
fn anchors_elsewhere_do_not_stop_an_edit() {
    let src = "a: &x 1\nb: *x\nc: [1, 2]\n";
    assert_eq!(set(src, "c[0]", "3"), "a: &x 1\nb: *x\nc: [3, 2]\n");
    assert_eq!(move_item(src, "c", 0, 1), "a: &x 1\nb: *x\nc: [2, 1]\n");
}

// ---------------------------------------------------------------- refusals

#[test]
fn refuses_what_it_cannot_do_safely() {
    let src = "a: &base {x: 1}\nb: *base\nc: !tag text\nd: [1, 2]\n";
    let err = |edit: Edit| apply(src, &edit).unwrap_err();
    assert_eq!(err(Edit::SetText { path: path("a.x"), value: "2".into() }), EditError::Anchored { path: "a.x".into() });
    assert_eq!(err(Edit::SetText { path: path("b"), value: "2".into() }), EditError::Anchored { path: "b".into() });
    assert_eq!(err(Edit::SetText { path: path("c"), value: "2".into() }), EditError::Anchored { path: "c".into() });
    assert_eq!(err(Edit::SetText { path: path("e.f"), value: "2".into() }), EditError::NotFound { path: "e".into() });
    assert_eq!(err(Edit::RemoveKey { path: path("e") }), EditError::NotFound { path: "e".into() });
    assert_eq!(
        err(Edit::SetText { path: path("d[2]"), value: "2".into() }),
        EditError::OutOfRange { path: "d".into(), index: 2, len: 2 }
    );
    assert_eq!(
        err(Edit::InsertItem { seq: path("d"), at: 3, yaml: "3".into() }),
        EditError::OutOfRange { path: "d".into(), index: 3, len: 2 }
    );
    assert_eq!(
        err(Edit::RemoveItem { seq: path("c"), index: 0 }),
        EditError::NotAList { path: "c".into(), found: "a text" }
    );
    assert_eq!(
        err(Edit::InsertItem { seq: path("d"), at: 0, yaml: "- x\n- y".into() }),
        EditError::BlockInFlow { path: "d".into() }
    );
    assert!(matches!(err(Edit::SetYaml { path: path("d"), yaml: "[unclosed".into() }), EditError::BadFragment { .. }));
    assert!(matches!(err(Edit::SetYaml { path: path("d"), yaml: "*base".into() }), EditError::BadFragment { .. }));
    assert!(matches!(
        err(Edit::SetYaml { path: path("d"), yaml: "a: 1\n---\nb: 2".into() }),
        EditError::BadFragment { .. }
    ));
    assert!(matches!(err(Edit::SetText { path: vec![], value: "x".into() }), EditError::Unsupported { .. }));

    let set_a = Edit::SetText { path: path("a"), value: "x".into() };
    assert_eq!(apply("a: 1\n---\nb: 2\n", &set_a), Err(EditError::MultiDocument { line: 2 }));
    assert_eq!(apply("a:\n\t b: 1\n", &set_a), Err(EditError::Tab { line: 2 }));
    assert!(matches!(apply("a: 1\rb: 2\n", &set_a), Err(EditError::Layout { line: 1, .. })));
    assert!(matches!(apply("a: [1\n", &set_a), Err(EditError::Syntax { .. })));
    assert_eq!(apply("", &set_a), Err(EditError::NotFound { path: "a".into() }));
    assert_eq!(apply("# nothing\n", &set_a), Err(EditError::NotFound { path: "a".into() }));
    assert_eq!(
        apply("a: 1\n", &Edit::SetText { path: path("a.b"), value: "x".into() }).unwrap_err().to_string(),
        "`a` is a text, not a mapping of keys"
    );
}

#[test]
fn the_safety_net_catches_a_wrong_result() {
    let edit = Edit::SetText { path: path("a"), value: "x".into() };
    let expected = tree::parse("a: x\nb: 1\n").unwrap().unwrap().shape();
    let mut masked = expected.clone();
    *edits::shape_at(&mut masked, &path("a")).unwrap() = Shape::Masked;
    assert_eq!(verify("a: x\nb: 1\n", masked.clone(), &edit), Ok(()));
    assert_eq!(
        verify("a: x\nb: 2\n", masked.clone(), &edit),
        Err(EditError::Verify { path: "a".into(), at: "b".into() })
    );
    assert_eq!(
        verify("a: y\nb: 1\n", masked.clone(), &edit),
        Err(EditError::Verify { path: "a".into(), at: "a".into() })
    );
    assert_eq!(
        verify("a: x\nb: '1'\n", masked.clone(), &edit),
        Err(EditError::Verify { path: "a".into(), at: "b".into() })
    );
    assert!(matches!(verify("a: [x\n", masked, &edit), Err(EditError::Verify { .. })));
}

// ---------------------------------------------------------------- round trips

/// Texts a writer or translator may type.
fn texts() -> Vec<String> {
    let mut texts: Vec<String> = [
        "Save",
        "Click [Save].",
        "[Label] first",
        "【标签】开头",
        "打开App，点击右下角的【我的】。",
        "Note: read this",
        "ends with colon:",
        "a # not a comment",
        "#hashtag",
        "C# and F#",
        "it's",
        "'quoted'",
        "\"double\"",
        "back\\slash \\n",
        "tab\there",
        "two\nlines",
        "trailing newline\n",
        "two trailing\n\n",
        "\nleading newline",
        "para one\n\npara two",
        "  leading spaces",
        "trailing spaces  ",
        " ",
        "",
        "yes",
        "No",
        "~",
        "null",
        "true",
        "123",
        "-1.5e3",
        "0x1F",
        "1:30",
        ".inf",
        "2024-05-01",
        "- dash",
        "-dash",
        "? q",
        ": colon",
        "*star",
        "&amp",
        "!bang",
        "|pipe",
        ">gt",
        "%percent",
        "@at",
        "`tick`",
        "a, b",
        "{brace}",
        "x}",
        "[x",
        "--- doc",
        "... end",
        "emoji 🎉 and é",
        "\u{2028}separator",
        "bell\u{7}",
        "\u{feff}bom inside",
        "a  double  space",
        "indented\n  second line\nthird",
        "line ending\r\ninside",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    texts.push("long ".repeat(40));
    texts
}

/// Files holding one value (`a.v`) written in each style and place, beside other values.
fn holders() -> Vec<String> {
    let styles = ["old text", "'old text'", "\"old text\"", "", "~"];
    let mut holders = Vec::new();
    for style in styles {
        holders.push(format!("x: 1\na:\n  v: {style} # c\n  w: after\nz: [2]\n"));
        holders.push(format!("x: 1\na: {{v: {style}, w: after}}\nz: [2]\n"));
        holders.push(format!("x: 1\na:\n  - {style}\n  - after\nz: [2]\n"));
        if !style.is_empty() {
            holders.push(format!("x: 1\na: [{style}, after] # c\nz: [2]\n"));
        }
    }
    for block in ["|", "|-", "|+", ">", ">-", "|2"] {
        holders.push(format!("x: 1\na:\n  v: {block} # c\n    old\n    text\n\n  w: after\nz: [2]\n"));
        holders.push(format!("x: 1\na:\n  - {block}\n    old\n  - after\nz: [2]\n"));
    }
    holders.push("\u{feff}x: 1\r\na:\r\n    v: |\r\n        old\r\n    w: after\r\nz: [2]\r\n".into());
    holders
}

#[test]
fn every_text_reads_back_in_every_style() {
    for holder in holders() {
        let at = if holder.contains("a:\n  - ") || holder.contains("a: [") { "a[0]" } else { "a.v" };
        let after = if at == "a[0]" { "a[1]" } else { "a.w" };
        for value in texts() {
            let out = apply(&holder, &Edit::SetText { path: path(at), value: value.clone() })
                .unwrap_or_else(|e| panic!("{value:?} in\n{holder}\n{e}"));
            let body = out.strip_prefix('\u{feff}').unwrap_or(&out);
            assert_eq!(loaded(body, at), text(&value), "{value:?} in\n{holder}\ngave\n{out}");
            assert_eq!(loaded(body, after), text("after"));
            // What lies around the edited value is untouched.
            assert!(out.starts_with(&holder[..holder.find("a:").unwrap()]), "{value:?} in\n{holder}");
            assert!(out.ends_with(&holder[holder.rfind("z:").unwrap()..]), "{value:?} in\n{holder}");
        }
    }
}

#[test]
fn every_text_goes_into_a_new_key() {
    for value in texts() {
        for src in ["a:\n  zh: 一\n", "a: {zh: 一}\n", "a:\n- {zh: 一}\n"] {
            let at = if src.contains("- ") { "a[0].en" } else { "a.en" };
            let out = set(src, at, &value);
            assert_eq!(loaded(&out, at), text(&value), "{value:?} in\n{src}\ngave\n{out}");
        }
    }
}

// ---------------------------------------------------------------- hostile and large input

#[test]
fn never_panics_on_broken_text() {
    let edits = [
        Edit::SetText { path: path("steps[1].text.en"), value: "x: y".into() },
        Edit::SetYaml { path: path("steps[0].highlight"), yaml: "[{x: 0.1}]".into() },
        Edit::RemoveKey { path: path("tags") },
        Edit::InsertItem { seq: path("steps"), at: 1, yaml: NEW_STEP.into() },
        Edit::RemoveItem { seq: path("steps"), index: 0 },
        Edit::MoveItem { seq: path("steps"), from: 0, to: 2 },
    ];
    let mut cuts: Vec<usize> = TUTORIAL.char_indices().map(|(i, _)| i).step_by(7).collect();
    cuts.push(TUTORIAL.len());
    for cut in cuts {
        let variants = [
            TUTORIAL[..cut].to_string(),
            format!("{}{}", &TUTORIAL[..cut], &TUTORIAL[cut..].replacen('\n', "\n  ", 1)),
            format!("{}#{}", &TUTORIAL[..cut], &TUTORIAL[cut..]),
            format!("{}: {}", &TUTORIAL[..cut], &TUTORIAL[cut..]),
            format!("{}'{}", &TUTORIAL[..cut], &TUTORIAL[cut..]),
        ];
        for text in &variants {
            for edit in &edits {
                // Either a result or an error; a result parses wherever the text did.
                if let Ok(out) = apply(text, edit) {
                    let parses = loader::parse(text).is_ok();
                    assert!(!parses || loader::parse(&out).is_ok(), "{edit:?} on\n{text}\ngave\n{out}");
                }
            }
        }
    }
}

#[test]
fn never_panics_on_odd_yaml() {
    // A small deterministic generator: pieces of YAML syntax put together at random.
    let pieces = [
        "a:",
        " b",
        "\n",
        "\n  ",
        "\n    ",
        "- ",
        "-",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "'x'",
        "\"y\\\"\"",
        "|",
        ">-",
        "|2",
        "&n ",
        "*n",
        "!t ",
        "# c",
        "? ",
        "---",
        "...",
        "\r\n",
        "\t",
        "【标签】",
        "é",
        "~",
        "\"",
        "'",
        "k: v",
        "\n- k: v",
    ];
    let edits = |i: usize| -> Edit {
        let at = [path("a"), path("a[0]"), path("a.b"), path("a[1].k"), path("k")][i % 5].clone();
        match i % 6 {
            0 => Edit::SetText { path: at, value: ["x", "a: b\nc", "", " [y]"][i % 4].into() },
            1 => Edit::SetYaml { path: at, yaml: ["[1]", "k: v\nl: w", "- z", "|\n  t"][i % 4].into() },
            2 => Edit::RemoveKey { path: at },
            3 => Edit::InsertItem { seq: path("a"), at: i % 3, yaml: ["n", "k: v\nl: w"][i % 2].into() },
            4 => Edit::RemoveItem { seq: path("a"), index: i % 3 },
            _ => Edit::MoveItem { seq: path("a"), from: i % 3, to: (i / 3) % 3 },
        }
    };
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for round in 0..3000 {
        let len = 1 + next() % 14;
        let text: String = (0..len).map(|_| pieces[next() % pieces.len()]).collect();
        let edit = edits(round);
        if let Ok(out) = apply(&text, &edit) {
            assert!(tree::parse(&out).is_ok(), "{edit:?} on {text:?} gave {out:?}");
        }
    }
}

#[test]
fn large_files_stay_fast() {
    let mut src = String::from("title: {zh: 大, en: Large}\nsteps:\n");
    while src.len() < 2_000_000 {
        src.push_str("  - text:\n      zh: 打开App，点击右下角的【我的】。\n      en: Open the app. # note\n    highlight: [{x: 0.1, y: 0.2, w: 0.3, h: 0.05}]\n");
    }
    let one_line = format!("steps: [{}]\n", vec!["{x: 0.1, y: 0.2, w: 0.3, h: 0.05}"; 60_000].join(", "));
    let start = std::time::Instant::now();
    let out = set(&src, "steps[5000].text.en", "Changed");
    assert_eq!(out.len(), src.len() + "Changed".len() - "Open the app.".len());
    move_item(&src, "steps", 0, 9000);
    set(&one_line, "steps[30000].x", "0.5");
    assert!(start.elapsed() < std::time::Duration::from_secs(60), "{:?}", start.elapsed());
}

// ---------------------------------------------------------------- the site's own content

/// Every YAML file of the example site, with its name.
fn content_files() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| (e.path().display().to_string(), std::fs::read_to_string(e.path()).unwrap()))
        .collect();
    files.sort();
    assert!(files.len() > 5);
    files
}

/// A loaded value without positions.
fn bare(value: &Value) -> String {
    match value {
        Value::Null => "~".into(),
        Value::Str(s) => format!("{s:?}"),
        Value::Seq(items) => format!("[{}]", items.iter().map(|i| bare(&i.value)).collect::<Vec<_>>().join(", ")),
        Value::Map(entries) => {
            let entries: Vec<String> = entries.iter().map(|(k, v)| format!("{}: {}", k.name, bare(&v.value))).collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// The path of every text in a loaded tree.
fn text_paths(node: &loader::Node, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match &node.value {
        Value::Str(_) => out.push(at.clone()),
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Seg::Index(i));
                text_paths(item, at, out);
                at.pop();
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries {
                at.push(Seg::Key(key.name.clone()));
                text_paths(value, at, out);
                at.pop();
            }
        }
        Value::Null => {}
    }
}

#[test]
fn every_text_of_the_site_can_be_set() {
    for (name, src) in content_files() {
        let mut paths = Vec::new();
        text_paths(&loader::parse(&src).unwrap(), &mut Vec::new(), &mut paths);
        for at in paths {
            for value in ["Changed: [Label] #1 【改】", "0.5", "two\nlines"] {
                let out = run(&src, Edit::SetText { path: at.clone(), value: value.into() });
                assert_eq!(loaded(&out, &show(&at)), text(value), "{name} {}", show(&at));
                // One line changed, the others are as they were.
                let (old, new): (Vec<&str>, Vec<&str>) = (src.lines().collect(), out.lines().collect());
                assert_eq!(old.len(), new.len(), "{name} {}", show(&at));
                assert_eq!(old.iter().zip(&new).filter(|(a, b)| a != b).count(), 1, "{name} {}\n{out}", show(&at));
            }
        }
    }
}

#[test]
fn every_list_of_the_site_can_be_reordered() {
    for (name, src) in content_files() {
        let root = loader::parse(&src).unwrap();
        let Value::Map(entries) = &root.value else { continue };
        for (key, value) in entries {
            let Value::Seq(items) = &value.value else { continue };
            let seq = key.name.as_str();
            let n = items.len();
            for i in 0..n {
                for j in 0..n {
                    // A move undone gives the file back, byte for byte.
                    let there = move_item(&src, seq, i, j);
                    assert_eq!(move_item(&there, seq, j, i), src, "{name} {seq} {i}->{j}");
                    let Value::Seq(moved) = loaded(&there, seq) else { panic!() };
                    assert_eq!(bare(&moved[j].value), bare(&items[i].value));
                }
                let fewer = remove(&src, seq, i);
                let Value::Seq(left) = loaded(&fewer, seq) else { panic!("{name} {seq} {i}:\n{fewer}") };
                let mut expected = items.clone();
                expected.remove(i);
                assert_eq!(
                    left.iter().map(|n| bare(&n.value)).collect::<Vec<_>>(),
                    expected.iter().map(|n| bare(&n.value)).collect::<Vec<_>>()
                );
            }
            for at in 0..=n {
                // An item inserted then removed gives the file back.
                let item = if seq == "steps" {
                    NEW_STEP
                } else if seq == "notes" {
                    "kind: tip\ntext: {zh: 提示, en: A tip}"
                } else {
                    "new-item"
                };
                let more = insert(&src, seq, at, item);
                assert_eq!(remove(&more, seq, at), src, "{name} {seq} insert at {at}:\n{more}");
            }
        }
    }
}

// ---------------------------------------------------------------- generated documents

/// A deterministic generator of YAML documents in every style this module edits.
struct Gen {
    state: u64,
    /// Columns per nesting level.
    step: usize,
}

impl Gen {
    fn next(&mut self) -> usize {
        self.state = self.state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.state >> 33) as usize
    }

    fn below(&mut self, n: usize) -> usize {
        self.next() % n
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }

    fn scalar(&mut self, flow: bool) -> String {
        let mut xs = vec!["plain words", "'it''s'", "\"dq \\\" \\n x\"", "0.5", "【标签】", "~", "x#y", "a:b", "-x"];
        if !flow {
            xs.extend(["Click [Label] after", "not {a} flow, here", "multi\n  line plain"]);
        }
        self.pick(&xs).to_string()
    }

    fn flow(&mut self, depth: usize) -> String {
        match self.below(if depth > 2 { 1 } else { 4 }) {
            0 => self.scalar(true),
            1 => format!("[{}]", (0..self.below(3)).map(|_| self.flow(depth + 1)).collect::<Vec<_>>().join(", ")),
            2 => {
                let n = self.below(3);
                let entries: Vec<String> = (0..n).map(|i| format!("k{i}: {}", self.flow(depth + 1))).collect();
                format!("{{{}}}", entries.join(", "))
            }
            _ => "[{x: 0.1, y: 0.2}, {x: 0.3, y: 0.4}]".into(),
        }
    }

    /// Comment and blank lines before a line at `indent`.
    fn decoration(&mut self, indent: usize) -> String {
        match self.below(6) {
            0 => "\n".into(),
            1 => format!("{}# note\n", " ".repeat(indent)),
            2 => format!("\n{}# note\n", " ".repeat(indent)),
            _ => String::new(),
        }
    }

    /// What follows `key:` or `- `, ending with a line break.
    fn value(&mut self, indent: usize, depth: usize, after_dash: bool) -> String {
        let comment = if self.below(4) == 0 { " # c" } else { "" };
        match self.below(if depth > 3 { 3 } else { 7 }) {
            0 => {
                let continued = format!("\n{}", " ".repeat(indent + self.step));
                format!(" {}{comment}\n", self.scalar(false).replace('\n', &continued))
            }
            1 => format!(" {}{comment}\n", self.flow(0)),
            2 => {
                let body = ["first\n", "first\n\nthird\n", "a\n  b\n"][self.below(3)];
                let pad = " ".repeat(indent + self.step);
                let lines: Vec<String> =
                    body.lines().map(|l| if l.is_empty() { String::new() } else { format!("{pad}{l}") }).collect();
                format!(" {}{comment}\n{}\n", self.pick(&["|", ">", "|-", ">-"]), lines.join("\n"))
            }
            3 if after_dash => self.map(indent, depth + 1, true),
            3 | 4 => format!("{comment}\n{}", self.map(indent + self.step, depth + 1, false)),
            _ => {
                let indent = indent + self.step * self.below(2);
                format!("{comment}\n{}", self.seq(indent, depth + 1))
            }
        }
    }

    /// A block mapping at `indent`; `compact`: its first key follows a `- `.
    fn map(&mut self, indent: usize, depth: usize, compact: bool) -> String {
        let n = 1 + self.below(3);
        let mut out = String::new();
        for i in 0..n {
            if i > 0 || !compact {
                out.push_str(&self.decoration(indent));
                out.push_str(&" ".repeat(indent));
            } else {
                out.push_str(&" ".repeat(self.step - 1));
            }
            out.push_str(&format!("k{i}:"));
            let value = self.value(indent, depth, false);
            out.push_str(&value);
        }
        out
    }

    fn seq(&mut self, indent: usize, depth: usize) -> String {
        let n = 1 + self.below(3);
        let mut out = String::new();
        for _ in 0..n {
            out.push_str(&self.decoration(indent));
            out.push_str(&" ".repeat(indent));
            out.push('-');
            let value = self.value(indent + self.step, depth, true);
            out.push_str(&value);
        }
        out
    }
}

/// Every path in a tree, with its node.
fn all_paths<'n>(node: &'n tree::Node, at: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, &'n tree::Node)>) {
    out.push((at.clone(), node));
    match &node.kind {
        tree::Kind::Seq { items, .. } => {
            for (i, item) in items.iter().enumerate() {
                at.push(Seg::Index(i));
                all_paths(&item.node, at, out);
                at.pop();
            }
        }
        tree::Kind::Map { entries, .. } => {
            for e in entries {
                at.push(Seg::Key(e.key.key_text().to_string()));
                all_paths(&e.value, at, out);
                at.pop();
            }
        }
        tree::Kind::Scalar { .. } | tree::Kind::Alias(_) => {}
    }
}

#[test]
fn edits_of_generated_documents_come_out_as_asked() {
    let mut g = Gen { state: 7, step: 2 };
    let (mut made, mut refused) = (0, 0);
    for round in 0..3000 {
        g.step = [2, 4, 3][round % 3];
        let mut src = g.map(0, 0, false);
        if round % 5 == 0 {
            src = src.replace('\n', "\r\n");
        }
        if round % 7 == 0 {
            src = src.trim_end().to_string();
        }
        let root = tree::parse(&src).unwrap_or_else(|e| panic!("{e:?} in generated\n{src}")).unwrap();
        let mut paths = Vec::new();
        all_paths(&root, &mut Vec::new(), &mut paths);
        let (at, node) = paths[1 + g.below(paths.len() - 1)].clone();
        let is_seq = matches!(node.kind, tree::Kind::Seq { .. });
        let len = match &node.kind {
            tree::Kind::Seq { items, .. } => items.len(),
            _ => 0,
        };
        let fragment =
            g.pick(&["[1, 2]", "{k: v}", "k: v\nl: [w]", "- a\n- b", "|\n  text\n", "plain", "'q'"]).to_string();
        let kind = match g.below(if is_seq { 6 } else { 3 }) {
            4 | 5 if len == 0 => 3,
            kind => kind,
        };
        let edit = match kind {
            0 => Edit::SetText { path: at.clone(), value: texts()[g.below(texts().len())].clone() },
            1 => Edit::SetYaml { path: at.clone(), yaml: fragment.clone() },
            2 if matches!(node.kind, tree::Kind::Map { .. }) && g.below(2) == 0 => {
                let mut new = at.clone();
                new.push(Seg::Key("new".into()));
                Edit::SetYaml { path: new, yaml: fragment.clone() }
            }
            2 if matches!(at.last(), Some(Seg::Key(_))) => Edit::RemoveKey { path: at.clone() },
            2 => Edit::SetYaml { path: at.clone(), yaml: fragment.clone() },
            3 => Edit::InsertItem { seq: at.clone(), at: g.below(len + 1), yaml: fragment.clone() },
            4 => Edit::RemoveItem { seq: at.clone(), index: g.below(len) },
            _ => Edit::MoveItem { seq: at.clone(), from: g.below(len), to: g.below(len) },
        };
        match apply(&src, &edit) {
            Ok(out) => {
                made += 1;
                if let Edit::SetText { path, value } = &edit {
                    assert_eq!(loaded(&out, &show(path)), text(value), "{edit:?} on\n{src}\ngave\n{out}");
                }
                if src.contains("\r\n") {
                    assert!(!out.replace("\r\n", "").contains('\n'), "{edit:?} on\n{src}\ngave\n{out:?}");
                }
                // Moves and insertions undo, byte for byte.
                let undo = match &edit {
                    Edit::MoveItem { seq, from, to } => Some(Edit::MoveItem { seq: seq.clone(), from: *to, to: *from }),
                    Edit::InsertItem { seq, at, .. } if len > 0 => {
                        Some(Edit::RemoveItem { seq: seq.clone(), index: *at })
                    }
                    _ => None,
                };
                if let Some(undo) = undo {
                    assert_eq!(apply(&out, &undo).as_ref(), Ok(&src), "{edit:?} on\n{src}\ngave\n{out}");
                }
            }
            // Block values cannot go into `[...]` or `{...}`; nothing else may be refused.
            Err(EditError::BlockInFlow { .. }) => refused += 1,
            Err(e) => panic!("{edit:?} on\n{src}\nfailed: {e}"),
        }
    }
    assert!(made > 1000, "{made} made, {refused} refused");
}

//! Bad input: every problem reported at once as `error: file:line:col: message`, exit 1,
//! the previous output untouched, and never a panic.

use crate::util::TestSite;

const T: &str = "content/help/first.yaml";

/// A built minimal site whose tutorial is then replaced by `yaml`; returns the failed run.
fn broken(yaml: impl AsRef<[u8]>) -> (TestSite, crate::util::Run) {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.build().code, 0);
    site.write(T, yaml);
    let run = site.build();
    (site, run)
}

fn assert_failed_cleanly(site: &TestSite, run: &crate::util::Run) {
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stderr.contains("build failed; the previous output was left as it was"), "{}", run.stderr);
    // The previous good build is still there, byte for byte the old page.
    assert!(site.page("en/help/first/index.html").contains("The first question"));
    let leftovers: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public") && n != ".public.lock")
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

#[test]
fn reports_every_problem_of_a_file_at_once() {
    let (site, run) = broken(
        "title: {zh: 标题, eng: Title}\ndate: 2024-02-30\nstpes:\n  - text: x\ntags: [a]\nsteps:\n  - text: {zh: 一, en: One}\n    image: nope.png\n    highlight: [{x: 0.9, y: 0, w: 0.2, h: 0.1}]\nnotes:\n  - kind: tipp\n    text: x\n",
    );
    assert_failed_cleanly(&site, &run);
    assert_eq!(
        run.headlines(),
        vec![
            "error: content/help/first.yaml:1:17: `eng` in `title` is not one of the site's languages",
            "error: content/help/first.yaml:2:7: `date` is not a valid date: `2024-02-30`",
            "error: content/help/first.yaml:3:1: unknown key `stpes` in a tutorial",
            "warning: content/help/first.yaml:7:9: step 1 has no `alt` text for its screenshot; the step text is used",
            "error: content/help/first.yaml:8:12: `steps[1].image` (nope.png): the image does not exist",
            "error: content/help/first.yaml:9:17: `steps[1].highlight[1]` reaches outside the image (x+w = 1.100, y+h = 0.100; both must be at most 1)",
            "error: content/help/first.yaml:11:11: unknown note kind `tipp`",
        ]
    );
    assert!(run.stderr.contains("= hint: did you mean `en`?"));
    assert!(run.stderr.contains("= hint: did you mean `steps`?"));
    assert!(run.stderr.contains("= hint: did you mean `tip`?"));
    assert!(run.stderr.lines().last().unwrap().contains("6 errors"), "{}", run.stderr);
}

#[test]
fn shows_the_line_and_a_caret() {
    let (_, run) = broken("title: {zh: 标题, en: Title}\ndate: 2024-01-02\nstpes: []\n");
    assert!(run.stderr.contains(" 3 | stpes: []\n   | ^\n"), "{}", run.stderr);
}

#[test]
fn problems_in_several_files_come_together() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/help/second.yaml",
        "title: {zh: 二}\ndate: 2024-13-01\nsteps: [{text: x}]\nrelated: [help/frist]\n",
    );
    site.write("content/help/_category.yaml", "title: {zh: 帮助}\ntitel: x\n");
    let run = site.build();
    assert_eq!(run.code, 1);
    let h = run.headlines();
    assert!(h.contains(&"error: content/help/_category.yaml:2:1: unknown key `titel` in a category"), "{h:?}");
    assert!(h.contains(&"error: content/help/second.yaml:2:7: `date` is not a valid date: `2024-13-01`"), "{h:?}");
    assert!(h.contains(&"error: content/help/second.yaml:4:11: related tutorial `help/frist` does not exist"), "{h:?}");
    assert!(run.stderr.contains("did you mean `help/first`?"));
    assert!(!site.exists("public"), "nothing written");
}

#[test]
fn malformed_yaml_gets_a_hint() {
    let (site, run) = broken("title:\n  zh: 标题\n  en: Note: this breaks\ndate: 2024-01-02\nsteps: [{text: x}]\n");
    assert_failed_cleanly(&site, &run);
    assert!(run.headlines()[0].starts_with("error: content/help/first.yaml:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("quotes"), "{}", run.stderr);
}

#[test]
fn text_starting_with_a_bracket_gets_a_hint() {
    let (_, run) = broken("title:\n  zh: 标题\n  en: [My] is the tab\ndate: 2024-01-02\nsteps: [{text: x}]\n");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("starting with `[`"), "{}", run.stderr);
}

/// The usual mistakes made while typing prose into YAML: each gets the offending line,
/// a caret, and the fix, chosen from what the parser actually said.
#[test]
fn prose_typing_mistakes_get_the_fix() {
    // (the English text as typed, the headline's start, words the hint must hold)
    let cases: &[(&str, &str, &str)] = &[
        (
            "Note: tap [Start].",
            "3:11: invalid YAML: mapping values are not allowed",
            "put the whole text in quotes: en: \"Note: tap [Start].\"",
        ),
        (
            "[Start] is the button",
            "3:7: invalid YAML",
            "a value starting with `[` has a special meaning in YAML; put the text in quotes: en: \"[Start] is the button\"",
        ),
        ("[Start]", "3:7: the en text of `title` must be a text, found a list", "put it in quotes"),
        ("{name} is you", "3:7: invalid YAML", "starting with `{`"),
        ("*Start* now", "3:7: invalid YAML", "starting with `*`"),
        ("&Start now", "3:7: `title` lost its first word: YAML reads `&Start` as an anchor name", "en: \"&Start now\""),
        ("!Start now", "3:7: `title` lost its first word: YAML reads `!Start` as a tag", "en: \"!Start now\""),
        ("| Start", "3:7: invalid YAML", "starting with `|`"),
        ("> Start", "3:7: invalid YAML", "starting with `>`"),
        ("%Start", "3:7: invalid YAML", "starting with `%`"),
        ("@Start", "3:7: invalid YAML", "starting with `@`"),
        ("`Start`", "3:7: invalid YAML", "starting with a backtick"),
        ("\"Start now", "3:7: invalid YAML", "a quote is opened but never closed"),
    ];
    for (typed, headline, hint) in cases {
        let yaml = format!("title:\n  zh: 标题\n  en: {typed}\ndate: 2024-01-02\nsteps: [{{text: x}}]\n");
        let (_, run) = broken(&yaml);
        assert_eq!(run.code, 1, "{typed}: {}", run.stderr);
        let first = run.headlines()[0];
        assert!(first.starts_with(&format!("error: content/help/first.yaml:{headline}")), "{typed}: {}", run.stderr);
        assert!(run.stderr.contains(&format!(" 3 |   en: {typed}\n")), "{typed}: the line is shown: {}", run.stderr);
        let col: usize = headline.split(':').nth(1).unwrap().parse().unwrap();
        let caret = format!("\n   | {}^\n", " ".repeat(col - 1));
        assert!(run.stderr.contains(&caret), "{typed}: a caret under column {col}: {}", run.stderr);
        assert!(run.stderr.contains(hint), "{typed}: hint `{hint}` in {}", run.stderr);
    }
    // Tabs for indentation: the caret goes to the tab, wherever the parser noticed it.
    let (_, run) = broken("title:\n  zh: 标题\n\t en: Title\ndate: 2024-01-02\nsteps: [{text: x}]\n");
    assert!(run.headlines()[0].starts_with("error: content/help/first.yaml:3:1:"), "{}", run.stderr);
    assert!(run.stderr.contains("indentation must use spaces, not tabs"), "{}", run.stderr);
    // ` #` silently cut the text: a warning, as it may be a real comment.
    let site = TestSite::fixture("minimal");
    let yaml = site.read(T).replace(
        "title: {zh: 第一个问题, en: The first question}",
        "title:\n  zh: 第一个问题\n  en: The first question #1",
    );
    site.write(T, yaml);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.headlines().contains(
            &"warning: content/help/first.yaml:3:26: `title` stops before ` #`: YAML reads `#1` as a comment"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("en: \"The first question #1\""), "{}", run.stderr);
}

#[test]
fn hostile_yaml_is_refused_without_a_crash() {
    let mut bomb =
        String::from("a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"]) {
        bomb.push_str(&format!(
            "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    let deep = "[".repeat(100_000);
    let nested_maps: String = (0..500).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    for (name, text) in [("alias bomb", bomb), ("deep flow nesting", deep), ("deep block nesting", nested_maps)] {
        let (site, run) = broken(&text);
        assert_failed_cleanly(&site, &run);
        assert!(run.headlines()[0].starts_with("error: content/help/first.yaml:"), "{name}: {}", run.stderr);
    }
}

#[test]
fn invalid_utf8_is_located() {
    let (site, run) = broken(b"title: {zh: \xe6\xa0\x87, en: T\xff}\n");
    assert_failed_cleanly(&site, &run);
    assert_eq!(run.headlines(), vec!["error: content/help/first.yaml:1:21: the file is not valid UTF-8"]);
}

#[test]
fn image_paths_must_stay_inside_content() {
    let (site, run) = broken(
        "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: x\n    image: ../../../site.toml\n    alt: x\n",
    );
    assert_failed_cleanly(&site, &run);
    assert!(run.headlines()[0].contains("`steps[1].image` leads outside the content folder"), "{}", run.stderr);
}

#[test]
fn symlinked_images_leading_out_are_refused() {
    let site = TestSite::fixture("minimal");
    let outside = site.root.join("outside.png");
    std::fs::copy(site.root.join("content/help/shot.png"), &outside).unwrap();
    std::fs::remove_file(site.root.join("content/help/shot.png")).unwrap();
    std::os::unix::fs::symlink(&outside, site.root.join("content/help/shot.png")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headlines(),
        vec![
            "error: content/help/first.yaml:6:12: `steps[1].image` (shot.png): the image is a link that leads outside the content folder"
        ]
    );
}

#[test]
fn bad_images_name_the_step() {
    let site = TestSite::fixture("minimal");
    let png = std::fs::read(site.root.join("content/help/shot.png")).unwrap();
    site.write("content/help/cut.png", &png[..png.len() / 2]);
    site.write("content/help/logo.png", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>");
    site.write("content/help/dir.png/x", "");
    site.write(
        T,
        "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: a\n    image: cut.png\n    alt: a\n  - text: b\n    image: logo.png\n    alt: b\n  - text: c\n    image: dir.png\n    alt: c\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    let h = run.headlines();
    assert_eq!(h.len(), 3, "{}", run.stderr);
    assert!(
        h[0].starts_with(
            "error: content/help/first.yaml:5:12: `steps[1].image` (cut.png): the image is corrupt or truncated"
        ),
        "{h:?}"
    );
    assert!(
        h[1].contains("`steps[2].image` (logo.png): the file is an SVG image; screenshots must be PNG, JPEG or WebP"),
        "{h:?}"
    );
    assert!(h[2].contains("`steps[3].image` (dir.png): the image path is a folder"), "{h:?}");
}

#[test]
fn unknown_author_and_related_ids() {
    let (site, run) = broken(
        "title: {zh: 标, en: T}\ndate: 2024-01-02\nauthor: nobody\nrelated: [help/first, help/missing]\nsteps: [{text: x}]\n",
    );
    assert_failed_cleanly(&site, &run);
    assert_eq!(
        run.headlines(),
        vec![
            "error: content/help/first.yaml:3:9: author `nobody` is not in content/_authors.yaml",
            "warning: content/help/first.yaml:4:11: a tutorial cannot be related to itself; ignored",
            "error: content/help/first.yaml:4:23: related tutorial `help/missing` does not exist",
        ]
    );
}

#[test]
fn bad_site_toml() {
    let site = TestSite::fixture("minimal");
    site.write(
        "site.toml",
        "base_url = \"https://help.example.com\"\nlanguages = [\"zh\", \"en\"]\nlangauge = \"x\"\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error: site.toml:3:1: invalid site.toml: unknown field `langauge`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `languages`?"), "{}", run.stderr);
}

#[test]
fn unknown_language_in_site_gets_a_suggestion() {
    let (_, run) = broken("title: {zh: 标, EN: T}\ndate: 2024-01-02\nsteps: [{text: x}]\n");
    assert!(run.stderr.contains("`EN` in `title` is not one of the site's languages"));
    assert!(run.stderr.contains("did you mean `en`?"), "{}", run.stderr);
}

#[test]
fn file_names_must_be_urls() {
    let site = TestSite::fixture("minimal");
    site.write("content/help/Forgot Password.yaml", site.read(T));
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("the file name `Forgot Password` cannot be used in a URL"), "{}", run.stderr);
    assert!(run.stderr.contains("e.g. `forgot-password`"), "{}", run.stderr);
}

#[test]
fn a_template_error_fails_without_writing() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.build().code, 0);
    site.write("templates/tag.html", "{% extends \"base.html\" %}\n{% block main %}{% if %}{% endblock main %}");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The override is named (not the template it extends), with the line and column.
    assert!(run.headlines()[0].starts_with("error: "), "{}", run.stderr);
    assert!(
        run.headlines()[0].contains("templates/tag.html:2:23: template error: Found `%}` but expected one of"),
        "{}",
        run.stderr
    );
    assert!(site.page("en/help/first/index.html").contains("The first question"));
}

#[test]
fn a_tera1_template_gets_the_migration_hint() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.build().code, 0);
    // Macros (stepwise 0.1's templates were Tera 1's) do not compile any more.
    site.write(
        "templates/tags.html",
        "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n{% block main %}{{ m::tag_cloud(tags=tags) }}{% endblock main %}",
    );
    let run = site.build();
    assert_failed_cleanly(&site, &run);
    assert!(run.headlines()[0].starts_with("error: templates/tags.html:2:4: template error: "), "{}", run.stderr);
    assert!(run.stderr.contains("hint: stepwise's templates are Tera 2 templates"), "{}", run.stderr);
    assert!(run.stderr.contains("Migrating a theme from Tera 1 templates"), "{}", run.stderr);
    // Unknown filters are found after every template compiled: each is named at its place.
    site.write(
        "templates/tags.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ page.breadcrumbs | slice(end=-1) }}{% endblock main %}",
    );
    site.write("templates/tag.html", "<main>\n\n{{ tag | shout }}</main>");
    let run = site.build();
    assert_failed_cleanly(&site, &run);
    let headlines = run.headlines();
    assert!(
        headlines.contains(&"error: templates/tag.html:3:10: template error: Unknown filter `shout`"),
        "{}",
        run.stderr
    );
    assert!(
        headlines.contains(&"error: templates/tags.html:2:39: template error: Unknown filter `slice`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("Migrating a theme").count(), 1, "only the Tera 1 template: {}", run.stderr);
}

#[test]
fn empty_and_garbage_files_do_not_panic() {
    for text in [
        "",
        "~",
        "- a\n- b\n",
        "just text",
        "{",
        "title: [",
        "? [a, b]\n: c\n",
        "---\na: 1\n---\nb: 2\n",
        "a: !!binary aGk=\n",
        "\t- x",
    ] {
        let (site, run) = broken(text);
        assert_failed_cleanly(&site, &run);
        assert!(
            run.headlines().iter().any(|h| h.starts_with("error: content/help/first.yaml")),
            "{text:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_template_error_names_the_template_file_it_came_from() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.build().code, 0);
    // An override in the site's copy of the default theme, failing while rendering.
    site.write("themes/default/templates/tag.html", "<main>{{ nothing.here }}</main>");
    let run = site.build();
    assert_failed_cleanly(&site, &run);
    assert!(
        run.stderr.contains("error: themes/default/templates/tag.html:1:10: rendering zh/tags/"),
        "the theme's file, not templates/: {}",
        run.stderr
    );
    // A syntax error in the site's own templates/ folder names that file and line.
    std::fs::remove_dir_all(site.root.join("themes")).unwrap();
    site.write("templates/tag.html", "<main>\n{% if %}</main>");
    let run = site.build();
    assert_failed_cleanly(&site, &run);
    assert!(run.stderr.contains("error: templates/tag.html:2:"), "{}", run.stderr);
}

//! A new user's first hour (issue 15, items 3 and 14-26): output that survives `| head`,
//! error hints that lead somewhere, the site's `static/` folder, `init` without a theme
//! and `theme eject`, `new` skeletons that check clean, commands printed as hints that
//! run as printed, `--help` for every argument, plurals, the empty site, and a made-up
//! index description.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::TestSite;

const BIN: &str = env!("CARGO_BIN_EXE_stepwise");
const T: &str = "content/help/first.yaml";

/// Each `error:`/`warning:` headline of a run with its hint line, in order.
fn diagnostics(stderr: &str) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("error: ") || line.starts_with("warning: ") {
            out.push((line.to_string(), None));
        } else if let (Some(hint), Some(last)) = (line.strip_prefix("  = hint: "), out.last_mut()) {
            last.1 = Some(hint.to_string());
        }
    }
    out
}

fn one(headline: &str, hint: &str) -> Vec<(String, Option<String>)> {
    vec![(headline.to_string(), Some(hint.to_string()))]
}

/// `check`, run in the site folder, after `rel` is written with `text`.
fn check_with(site: &TestSite, rel: &str, text: &str) -> crate::util::Run {
    site.write(rel, text);
    let run = site.run_here(&["check"]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

// ---- 3: a reader that goes away, a closed stream -------------------------------------

#[test]
fn a_reader_that_goes_away_is_no_panic() {
    let site = TestSite::example();
    let root = site.root.to_str().unwrap();
    let runs: &[&[&str]] = &[
        &["i18n", "status", "--format", "json", "--root", root],
        &["i18n", "status", "--root", root],
        &["i18n", "glossary", "--root", root],
        &["check", "--root", root],
        &["--help"],
        &["build", "--help"],
    ];
    for args in runs {
        for gone in ["stdout", "stderr"] {
            let mut child = Command::new(BIN)
                .args(*args)
                .env("NO_COLOR", "1")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            // The reading end is dropped at once, as `| head -1` does after its line.
            let mut kept = String::new();
            if gone == "stdout" {
                drop(child.stdout.take());
                child.stderr.take().unwrap().read_to_string(&mut kept).unwrap();
            } else {
                drop(child.stderr.take());
                child.stdout.take().unwrap().read_to_string(&mut kept).unwrap();
            }
            let status = child.wait().unwrap();
            assert_eq!(status.code(), Some(0), "{args:?} with its {gone} gone: {kept}");
        }
    }
}

#[test]
fn closed_stdout_and_stderr_are_no_panic() {
    // (Rust's runtime opens /dev/null in place of a closed standard stream before `main`;
    // this guards that nothing in stepwise undoes that.)
    let site = TestSite::fixture("minimal");
    let mut n = 0;
    for verb in ["i18n status --format json", "i18n glossary", "check", "build", "new"] {
        for close in ["exec >&-", "exec 2>&-", "exec >&- 2>&-"] {
            n += 1;
            let verb = if verb == "new" { format!("new help/closed-{n}") } else { verb.to_string() };
            let script = format!("{close}; exec \"$0\" {verb} --root \"$1\"");
            let status = Command::new("sh")
                .arg("-c")
                .arg(&script)
                .arg(BIN)
                .arg(&site.root)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            assert_eq!(status.code(), Some(0), "{verb} after `{close}`");
        }
    }
}

// ---- 14: error hints that lead somewhere ---------------------------------------------

#[test]
fn a_key_indented_deeper_than_its_sibling() {
    let site = TestSite::fixture("minimal");
    let run = check_with(
        &site,
        T,
        "title: {zh: 第一个问题, en: The first question}\ndate: 2024-01-02\nsteps:\n  - text:\n      zh: 点击【开始】。\n        en: Click [Start].\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: content/help/first.yaml:6:9: `en:` is indented 8 spaces, `zh:` above uses 6",
            "keys of one mapping line up: remove 2 spaces before `en:`, as for `zh:`"
        )
    );
}

#[test]
fn a_comma_inside_braces_splits_the_text() {
    let site = TestSite::fixture("minimal");
    let run = check_with(
        &site,
        T,
        "title: {zh: 第一个问题, en: If it fails, check the cable}\ndate: 2024-01-02\nsteps:\n  - text: {zh: 点击。, en: Click.}\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: content/help/first.yaml:1:37: a comma inside `{...}` ends the en text of `title`: YAML reads \
             `check the cable` as another key",
            "put the text in quotes: en: \"If it fails, check the cable\""
        )
    );
}

#[test]
fn an_apostrophe_inside_single_quotes() {
    let site = TestSite::fixture("minimal");
    let run = check_with(
        &site,
        T,
        "title:\n  zh: 第一个问题\n  en: 'Don't click twice'\ndate: 2024-01-02\nsteps:\n  - text: {zh: 点击。, en: Click.}\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: content/help/first.yaml:3:11: the apostrophe in `Don't` ends the single-quoted text",
            "inside single quotes write an apostrophe twice: en: 'Don''t click twice', or use double quotes: \
             en: \"Don't click twice\""
        )
    );
}

#[test]
fn a_box_in_pixels_is_told_the_screenshots_size() {
    let site = TestSite::fixture("minimal");
    // shot.png is 40 x 80 pixels.
    let run = check_with(
        &site,
        T,
        "title: {zh: 第一个问题, en: The first question}\ndate: 2024-01-02\nsteps:\n  - text: {zh: 点击【开始】。, en: \"Click [Start].\"}\n    image: shot.png\n    alt: {zh: 截图, en: Screenshot}\n    highlight: [{x: 10, y: 60, w: 20, h: 10}]\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: content/help/first.yaml:7:17: `steps[1].highlight[1]` is in pixels (x: 10, y: 60, w: 20, h: 10); \
             box values are fractions of the image, from 0 to 1",
            "the screenshot is 40 × 80 px: write {x: 0.25, y: 0.75, w: 0.5, h: 0.125}"
        )
    );
}

#[test]
fn an_unknown_author_lists_the_known_ones() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/_authors.yaml",
        "support:\n  name: {zh: 客服, en: Support}\ntiaopi:\n  name: {zh: 调皮, en: Tiaopi}\n",
    );
    let tutorial = |author: &str| {
        format!(
            "title: {{zh: 第一个问题, en: The first question}}\ndate: 2024-01-02\nauthor: {author}\nsteps:\n  - text: {{zh: 点击。, en: Click.}}\n"
        )
    };
    let run = check_with(&site, T, &tutorial("suport"));
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: content/help/first.yaml:3:9: author `suport` is not in content/_authors.yaml",
            "did you mean `support`? the authors in content/_authors.yaml are `support`, `tiaopi`"
        )
    );
    let run = check_with(&site, T, &tutorial("bob"));
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: content/help/first.yaml:3:9: author `bob` is not in content/_authors.yaml",
            "the authors in content/_authors.yaml are `support`, `tiaopi`; add `bob` there, or use one of them"
        )
    );
    std::fs::remove_file(site.root.join("content/_authors.yaml")).unwrap();
    let run = check_with(&site, T, &tutorial("bob"));
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: content/help/first.yaml:3:9: author `bob` is not in content/_authors.yaml",
            "there is no content/_authors.yaml: add `bob:` there with `name: {zh: ..., en: ...}`, or remove the \
             `author:` line"
        )
    );
}

#[test]
fn a_misspelt_key_is_one_error_not_two() {
    let site = TestSite::fixture("minimal");
    let run = check_with(
        &site,
        T,
        "title: {zh: 第一个问题, en: The first question}\ndate: 2024-01-02\nstpes:\n  - text: {zh: 点击。, en: Click.}\n",
    );
    assert_eq!(
        diagnostics(&run.stderr),
        one("error: content/help/first.yaml:3:1: unknown key `stpes` in a tutorial", "did you mean `steps`?")
    );
    // A step's `txt:` is no `text`-less step either.
    let run = check_with(
        &site,
        T,
        "title: {zh: 第一个问题, en: The first question}\ndate: 2024-01-02\nsteps:\n  - txt: {zh: 点击。, en: Click.}\n",
    );
    assert_eq!(
        diagnostics(&run.stderr),
        one("error: content/help/first.yaml:4:5: unknown key `txt` in step 1", "did you mean `text`?")
    );
}

#[test]
fn a_country_code_is_not_a_language() {
    let site = TestSite::fixture("minimal");
    let run = check_with(
        &site,
        "site.toml",
        "base_url = \"https://help.example.com\"\nlanguages = [\"zh\", \"en\", \"jp\"]\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: site.toml:2:26: `jp` is not a language code",
            "did you mean `ja`? `jp` is Japan's country code; Japanese is `ja`"
        )
    );
    // Kanuri's code is a real one: a warning, in case Korean was meant.
    let run = check_with(
        &site,
        "site.toml",
        "base_url = \"https://help.example.com\"\nlanguages = [\"zh\", \"en\", \"kr\"]\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        diagnostics(&run.stderr).contains(&(
            "warning: site.toml: languages: did you mean `ko`? `kr` is Kanuri; Korean is `ko`".to_string(),
            Some("if the site is in that language, keep `kr`".to_string())
        )),
        "{}",
        run.stderr
    );
}

// ---- 15: the site's static/ folder -----------------------------------------------------

#[test]
fn the_sites_static_folder_is_published() {
    let site = TestSite::fixture("minimal");
    let files: &[(&str, &str)] = &[
        ("CNAME", "help.example.com\n"),
        ("brand/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"),
        ("google1234abcd.html", "google-site-verification: google1234abcd.html\n"),
        (".nojekyll", ""),
        ("favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>\n"),
    ];
    for (rel, text) in files {
        site.write(&format!("static/{rel}"), text);
    }
    site.write("static/.DS_Store", "junk");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (rel, text) in files {
        assert_eq!(&site.page(rel), text, "{rel}");
    }
    assert!(!site.exists("public/.DS_Store"));
    assert!(run.stderr.contains("static/: 5 files published (favicon.svg replaces the theme's)\n"), "{}", run.stderr);
    // The theme's other files are still there.
    assert!(site.page("style.css").len() > 1000);

    // A file that would replace a generated page is refused; the last build stays.
    site.write("static/en/index.html", "<p>mine</p>");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        diagnostics(&run.stderr),
        one(
            "error: static/en/index.html: would replace the page at `en/index.html`, which stepwise generates",
            "static/ adds files to the site and may replace the theme's (style.css, favicon.svg), not what stepwise \
             generates: rename or move this file"
        )
    );
    assert!(site.page("en/index.html").contains("The first question"));
    assert_eq!(site.run_here(&["check"]).code, 1, "check refuses it too");
    std::fs::remove_file(site.root.join("static/en/index.html")).unwrap();

    #[cfg(unix)]
    {
        let outside = site.root.parent().unwrap().join("secret.txt");
        std::fs::write(&outside, "secret").unwrap();
        std::os::unix::fs::symlink(&outside, site.root.join("static/leak.txt")).unwrap();
        let run = site.build();
        assert_eq!(run.code, 1);
        assert_eq!(
            diagnostics(&run.stderr),
            one(
                "error: static/leak.txt: the file is a link that leads outside static/",
                "copy the file into static/ instead of linking to it"
            )
        );
        assert!(!run.stderr.contains("secret\n"));
    }
}

/// GET `path` from a `stepwise serve` on `port`.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").ok()?;
    let mut reply = String::new();
    s.read_to_string(&mut reply).ok()?;
    let status = reply.split_whitespace().nth(1)?.parse().ok()?;
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((status, body))
}

#[test]
fn serve_publishes_the_static_folder_and_its_edits() {
    let site = TestSite::fixture("minimal");
    site.write("static/CNAME", "help.example.com\n");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(&site.root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wait_for = |want: &str| {
        let start = Instant::now();
        loop {
            let got = get(port, "/CNAME");
            if got.as_ref().is_some_and(|(status, body)| *status == 200 && body == want) {
                return true;
            }
            if start.elapsed() > Duration::from_secs(20) {
                eprintln!("last reply: {got:?}");
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let first = wait_for("help.example.com\n");
    site.write("static/CNAME", "docs.example.com\n");
    let edited = first && wait_for("docs.example.com\n");
    let _ = child.kill();
    let _ = child.wait();
    assert!(first, "serve publishes static/CNAME");
    assert!(edited, "serve publishes an edit of static/CNAME");
}

// ---- 16: init writes no theme; theme eject ---------------------------------------------

#[test]
fn init_uses_the_built_in_theme_and_eject_copies_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("help");
    let out = Command::new(BIN).arg("init").arg(&site).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!site.join("themes").exists(), "init writes no theme");
    let build = Command::new(BIN).arg("build").current_dir(&site).output().unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let repo_theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let built_in_css = std::fs::read(repo_theme.join("static/style.css")).unwrap();
    assert_eq!(std::fs::read(site.join("public/style.css")).unwrap(), built_in_css);

    let eject =
        |args: &[&str]| Command::new(BIN).args(["theme", "eject"]).args(args).current_dir(&site).output().unwrap();
    let out = eject(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("copied the built-in theme into themes/default (15 files)\n"), "{stdout}");
    for rel in
        ["templates/base.html", "templates/tutorial.html", "static/style.css", "static/search.js", "strings.toml"]
    {
        assert_eq!(
            std::fs::read(site.join("themes/default").join(rel)).unwrap(),
            std::fs::read(repo_theme.join(rel)).unwrap(),
            "{rel}"
        );
    }
    // It exists now: refused, nothing touched.
    std::fs::write(site.join("themes/default/static/style.css"), "body{}").unwrap();
    let again = eject(&[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("error: themes/default: the theme folder already exists"));
    assert_eq!(std::fs::read_to_string(site.join("themes/default/static/style.css")).unwrap(), "body{}");
    // Under another name, with what to do next; the site builds with it once chosen.
    let out = eject(&["brand"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("next: set theme = \"brand\" in site.toml to use it"));
    let toml =
        std::fs::read_to_string(site.join("site.toml")).unwrap().replace("theme = \"default\"", "theme = \"brand\"");
    std::fs::write(site.join("site.toml"), toml).unwrap();
    let build = Command::new(BIN).arg("build").current_dir(&site).output().unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
}

// ---- 17: new ---------------------------------------------------------------------------

#[test]
fn a_new_tutorial_checks_with_warnings_only_until_filled_in() {
    let site = TestSite::fixture("minimal");
    let toml = site.read("site.toml");
    site.write("site.toml", format!("{toml}[description]\nzh = \"帮助\"\nen = \"Help\"\n"));
    let run = site.run_here(&["new", "billing/invoices/download-invoice"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.ends_with("then run `stepwise check`\n"), "{}", run.stdout);
    let rel = "content/billing/invoices/download-invoice.yaml";
    let text = site.read(rel);
    assert!(text.contains("    # image: download-invoice/step-01.png"), "{text}");
    assert!(!text.contains("\"\""), "no empty values: {text}");
    for optional in ["# summary:", "# tags:", "# author:", "# related:", "# notes:", "# updated:"] {
        assert!(text.lines().any(|l| l.starts_with(optional)), "{optional}: {text}");
    }
    let check = site.run_here(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(
        check.headlines(),
        vec![
            "warning: content/billing/_category.yaml:3:7: `title` is still a placeholder in zh, en: `TODO: the title \
             of the billing category`",
            "warning: content/billing/invoices/_category.yaml:3:7: `title` is still a placeholder in zh, en: `TODO: \
             the title of the invoices category`",
            "warning: content/billing/invoices/download-invoice.yaml:4:7: `title` is still a placeholder in zh, en: \
             `TODO: the question, as a reader asks it`",
            "warning: content/billing/invoices/download-invoice.yaml:16:11: `steps[1].text` is still a placeholder \
             in zh, en: `TODO: what to do first; UI labels in 【】 or [ ]`",
        ]
    );
    // Filled in: no warning left.
    let filled = text
        .replace("TODO: the question, as a reader asks it", "How do I download an invoice?")
        .replace("TODO: what to do first; UI labels in 【】 or [ ]", "Open [Orders].");
    site.write(rel, filled);
    for cat in ["content/billing/_category.yaml", "content/billing/invoices/_category.yaml"] {
        let t = site.read(cat);
        site.write(
            cat,
            t.replace("TODO: the title of the billing category", "Billing")
                .replace("TODO: the title of the invoices category", "Invoices"),
        );
    }
    let check = site.run_here(&["check", "--strict"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

// ---- 18: paths and printed commands ----------------------------------------------------

/// The command in backquotes after `marker` in `text`.
fn printed_command<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).unwrap_or_else(|| panic!("no `{marker}` in {text}")) + marker.len();
    let rest = &text[start..];
    &rest[..rest.find('`').unwrap()]
}

/// Runs a printed `stepwise ...` command with a shell in `dir`, as a user pasting it.
fn run_printed(dir: &Path, command: &str) -> std::process::Output {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    Command::new("sh").arg("-c").arg(command).current_dir(dir).env("PATH", path).env("NO_COLOR", "1").output().unwrap()
}

#[test]
fn commands_printed_as_hints_run_as_printed() {
    let site = TestSite::fixture("minimal");
    let parent = site.root.parent().unwrap();
    let here = |args: &[&str]| {
        Command::new(BIN).args(args).args(["--root", "site"]).current_dir(parent).env("NO_COLOR", "1").output().unwrap()
    };
    // No records yet: status says how to start them, from where the user stands.
    let status = here(&["i18n", "status"]);
    let stdout = String::from_utf8_lossy(&status.stdout).into_owned();
    let start = printed_command(&stdout, "no translation records yet: every translation counts as confirmed (`");
    assert_eq!(start, "stepwise i18n confirm --root site --all");
    assert!(run_printed(parent, start).status.success());
    // A source text changes: the warning's command confirms it again.
    let t = site.read(T);
    site.write(T, t.replace("第一个问题", "第一个问题（新）"));
    let check = here(&["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr).into_owned();
    let confirm = printed_command(&stderr, "update the en text if needed, then run `");
    assert_eq!(confirm, "stepwise i18n confirm --root site site/content/help/first.yaml");
    let out = run_printed(parent, confirm);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let check = here(&["check"]);
    assert!(!String::from_utf8_lossy(&check.stderr).contains("may be outdated"));
    // `new` tells what to run next, runnable from here too.
    let new = here(&["new", "help/second"]);
    let next = printed_command(std::str::from_utf8(&new.stdout).unwrap(), "then run `");
    assert_eq!(next, "stepwise check --root site");
    assert!(run_printed(parent, next).status.success());
}

#[test]
fn confirm_paths_are_taken_from_the_current_folder_like_output() {
    let site = TestSite::fixture("minimal");
    let parent = site.root.parent().unwrap();
    let run = |args: &[&str]| Command::new(BIN).args(args).current_dir(parent).env("NO_COLOR", "1").output().unwrap();
    let ok = run(&["i18n", "confirm", "--root", "site", "site/content/help/first.yaml"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    // Typed as from the site folder: refused, with the path that works.
    let bad = run(&["i18n", "confirm", "--root", "site", "content/help/first.yaml"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        diagnostics(&String::from_utf8_lossy(&bad.stderr)),
        one(
            "error: content/help/first.yaml: does not exist",
            "paths are taken from the current folder (as with --output), not from --root: write \
             `site/content/help/first.yaml`"
        )
    );
    // --output the same way: `out` here, not in the site.
    let built = run(&["build", "--root", "site", "--output", "out"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert!(parent.join("out/index.html").is_file() && !site.root.join("out").exists());
    for verb in [&["build"][..], &["i18n", "confirm"]] {
        let help = run(&[verb, &["--help"]].concat());
        let text = String::from_utf8_lossy(&help.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("taken from the current folder"), "{verb:?}: {text}");
    }
}

// ---- 19: no site.toml ------------------------------------------------------------------

#[test]
fn every_verb_refuses_a_folder_without_site_toml() {
    let dir = tempfile::tempdir().unwrap();
    let verbs: &[&[&str]] = &[
        &["build"],
        &["check"],
        &["serve", "--port", "0"],
        &["new", "a/b"],
        &["theme", "eject"],
        &["i18n", "status"],
        &["i18n", "confirm", "--all"],
        &["i18n", "glossary"],
    ];
    for verb in verbs {
        let out = Command::new(BIN).args(*verb).current_dir(dir.path()).env("NO_COLOR", "1").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{verb:?}: {stderr}");
        assert!(stderr.starts_with("error: not a stepwise site: no site.toml in .\n"), "{verb:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}

// ---- 21: --help describes every argument -----------------------------------------------

#[test]
fn help_describes_every_argument_of_every_verb() {
    let verbs: &[&[&str]] = &[
        &[],
        &["build"],
        &["check"],
        &["serve"],
        &["new"],
        &["init"],
        &["theme"],
        &["theme", "eject"],
        &["i18n"],
        &["i18n", "status"],
        &["i18n", "confirm"],
        &["i18n", "glossary"],
    ];
    for verb in verbs {
        let out = Command::new(BIN).args(*verb).arg("--help").output().unwrap();
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        let mut section = "";
        let lines: Vec<&str> = help.lines().collect();
        let mut entries = 0;
        for (i, line) in lines.iter().enumerate() {
            if !line.starts_with(' ') && line.ends_with(':') {
                section = line;
                continue;
            }
            if !matches!(section, "Arguments:" | "Options:" | "Commands:") {
                continue;
            }
            // An entry starts two spaces in; its description follows on the line or below.
            let Some(entry) = line.strip_prefix("  ").filter(|e| !e.starts_with(' ')) else { continue };
            entries += 1;
            let described = entry.split_once("  ").is_some_and(|(_, d)| !d.trim().is_empty())
                || lines.get(i + 1).is_some_and(|next| next.starts_with("          ") && !next.trim().is_empty());
            assert!(described, "`stepwise {} --help`: `{entry}` has no description:\n{help}", verb.join(" "));
        }
        assert!(entries > 0, "{verb:?}: {help}");
    }
}

// ---- 22: plurals -----------------------------------------------------------------------

#[test]
fn one_question_and_one_step_are_singular() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.build().code, 0);
    let en = site.page("en/index.html");
    assert!(en.contains("<strong>1</strong> question · "), "{en}");
    assert!(en.contains("<span class=\"count\">1 question</span>"), "{en}");
    assert!(en.contains("· 1 step</span>"), "{en}");
    let tutorial = site.page("en/help/first/index.html");
    assert!(tutorial.contains("· 1 step\n"), "{tutorial}");
    assert!(site.page("en/help/index.html").contains("1 step</span>"));
    assert!(site.page("en/tags/start/index.html").contains("<span class=\"count\">1 question</span>"));
    // Chinese has no plural: the one word.
    assert!(site.page("zh/index.html").contains("<span class=\"count\">1 个问题</span>"));
    // Two of them: plural.
    site.write("content/help/second.yaml", site.read(T).replace("The first question", "The second question"));
    assert_eq!(site.build().code, 0);
    assert!(site.page("en/index.html").contains("<span class=\"count\">2 questions</span>"));
}

#[test]
fn search_counts_one_match_in_the_singular() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.build().code, 0);
    let script = r##"
      waitFor(function () { return doc.getElementById("search-status").textContent.indexOf("match") >= 0; }, function () {
        done({status: doc.getElementById("search-status").textContent});
      });
    "##;
    let got = crate::browser::run_in_page(&site.root.join("public"), "/en/search/?q=first", 1280, script);
    assert_eq!(got["status"], "1 matching question", "{got}");
}

// ---- 23: the empty site, the root 404 --------------------------------------------------

#[test]
fn an_empty_site_says_how_to_add_the_first_question_in_each_language() {
    let site = TestSite::fixture("minimal");
    std::fs::remove_dir_all(site.root.join("content/help")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (lang, heading, how) in [
        ("en", "No questions here yet", "To write the first one, run this command in the site&#39;s folder:"),
        ("zh", "这里还没有问题", "在网站文件夹里运行下面的命令，写出第一个问题："),
    ] {
        let page = site.page(&format!("{lang}/index.html"));
        assert!(page.contains(&format!("<h2 id=\"h-empty\">{heading}</h2>\n  <p>{how}</p>")), "{lang}: {page}");
        assert!(page.contains("<p><code>stepwise new help/first-question</code></p>"));
        assert!(!page.contains("index-grid"), "no empty lists: {page}");
    }
}

#[test]
fn the_root_404_page_speaks_every_language() {
    let site = TestSite::fixture("trilingual");
    assert_eq!(site.build().code, 0);
    let page = site.page("404.html");
    assert!(page.contains("<h1>页面不存在</h1>"), "{page}");
    assert!(page.contains("<section lang=\"en\">\n    <h2>Page not found</h2>"), "{page}");
    assert!(page.contains("<a class=\"button\" href=\"/en/\" hreflang=\"en\">Back to the home page</a>"), "{page}");
    assert!(page.contains("<section lang=\"ja\">\n    <h2>ページが見つかりません</h2>"), "{page}");
    // A language's own 404 page stays in its language.
    assert!(!site.page("en/404.html").contains("<section lang="));
}

// ---- 24: a description for a site without one ------------------------------------------

#[test]
fn a_site_without_description_gets_one_and_check_suggests_its_own() {
    let site = TestSite::fixture("good");
    assert_eq!(site.build().code, 0);
    assert!(site.page("en/index.html").contains(
        "<meta name=\"description\" content=\"Test Help Center: illustrated, step-by-step answers to questions about \
         Payments and Shopping.\">"
    ));
    assert!(site.page("zh/index.html").contains(
        "<meta name=\"description\" content=\"测试帮助中心：关于支付和购物的图文问答，一步一步解决问题。\">"
    ));
    assert!(!site.page("en/index.html").contains("class=\"lead\""), "the made description is not shown as a lead");
    let check = site.run_here(&["check"]);
    assert_eq!(check.code, 0);
    let warning = check.stderr.split("warning: site.toml: ").nth(1).unwrap();
    assert_eq!(
        &warning[..warning.find("\ncheck passed").unwrap()],
        "the site has no [description]: search engines show the index with one made from its title and categories\n  \
         = hint: add one to site.toml, a sentence per language on what the help center answers, e.g.:\n    \
         [description]\n    zh = \"测试帮助中心：关于支付和购物的图文问答，一步一步解决问题。\"\n    en = \"Test Help Center: \
         illustrated, step-by-step answers to questions about Payments and Shopping.\""
    );
    // Pasted in, the warning goes, and the index shows it.
    let toml = site.read("site.toml");
    site.write("site.toml", format!("{toml}\n[description]\nzh = \"测试\"\nen = \"Answers about payments.\"\n"));
    assert!(!site.run_here(&["check"]).stderr.contains("[description]"));
}

//! The translator's workflow end to end: `i18n status`, `i18n confirm` and the lock
//! file, badges on pages, the side-by-side view, UI-label QA, and a third language.

use serde_json::Value;

use crate::util::{TestSite, attr, tags_with};

const CHANGE: &str = "content/account/change-password.yaml";
const FORGOT: &str = "content/account/forgot-password.yaml";

fn status_json(site: &TestSite, extra: &[&str]) -> Value {
    let mut args = vec!["i18n", "status", "--format", "json"];
    args.extend_from_slice(extra);
    let run = site.run_here(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn language<'a>(report: &'a Value, lang: &str) -> &'a Value {
    report["languages"].as_array().unwrap().iter().find(|l| l["language"] == lang).unwrap()
}

/// The `items` of one language as (file, field, state, line).
fn items(report: &Value, lang: &str) -> Vec<(String, String, String, u64)> {
    language(report, lang)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["file"].as_str().unwrap().to_string(),
                i["field"].as_str().unwrap().to_string(),
                i["state"].as_str().unwrap().to_string(),
                i["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn item(file: &str, field: &str, state: &str, line: u64) -> (String, String, String, u64) {
    (file.to_string(), field.to_string(), state.to_string(), line)
}

#[test]
fn a_third_language_builds_reports_and_switches() {
    let site = TestSite::fixture("trilingual");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);

    let ja = site.page("ja/account/change-password/index.html");
    assert!(ja.contains("<html lang=\"ja\">"));
    assert!(ja.contains("ログインパスワードを変更するには？"));
    assert!(ja.contains("方法・手順"), "the interface speaks Japanese too");
    for (hreflang, href) in [("zh-CN", "zh"), ("en", "en"), ("ja", "ja")] {
        let alt = format!("hreflang=\"{hreflang}\" href=\"https://help.example.com/{href}/account/change-password/\"");
        assert!(ja.contains(&alt), "missing alternate {alt}");
    }
    let switch = &ja[ja.find("class=\"lang-switch\"").unwrap()..];
    assert!(switch.contains("href=\"../../../en/account/change-password/\""));
    assert!(switch.contains("href=\"../../../zh/account/change-password/\""));

    // The untranslated step falls back to Chinese, marked as such.
    let ja = site.page("ja/account/forgot-password/index.html");
    let step1 = &ja[ja.find("id=\"step-1\"").unwrap()..ja.find("id=\"step-2\"").unwrap()];
    assert!(step1.contains("<span lang=\"zh-CN\" class=\"fallback\">在登录页点击"), "{step1}");
    assert!(step1.contains("badge-untranslated\">未翻訳</span>"), "{step1}");

    let report = status_json(&site, &[]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["source_language"], "zh");
    assert_eq!(report["lock_file"], Value::Null);
    assert_eq!(items(&report, "ja"), vec![item(FORGOT, "steps[1].text", "missing", 9)]);
    assert_eq!(items(&report, "en"), vec![]);
    let ja = language(&report, "ja");
    // 4 texts in change-password, 3 in forgot-password, the category title.
    assert_eq!((ja["total"].as_u64(), ja["missing"].as_u64()), (Some(8), Some(1)));
    assert_eq!(ja["percent_complete"].as_f64(), Some(87.5));
    assert_eq!(ja["categories"][0]["category"], "account");

    let only_ja = status_json(&site, &["--lang", "ja"]);
    assert_eq!(only_ja["languages"].as_array().unwrap().len(), 1);
    let text = site.run_here(&["i18n", "status"]);
    assert!(text.stdout.contains("ja: 87.5% complete · 8 texts · 1 missing · 0 outdated"), "{}", text.stdout);
    assert!(text.stdout.contains("    9:9     steps[1].text"), "{}", text.stdout);
    let bad = site.run_here(&["i18n", "status", "--lang", "jp"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("did you mean `ja`?"), "{}", bad.stderr);
}

#[test]
fn a_changed_source_text_makes_its_translations_outdated_until_confirmed() {
    let site = TestSite::fixture("trilingual");
    // No lock file: everything counts as confirmed.
    assert_eq!(language(&status_json(&site, &[]), "en")["outdated"], 0);

    let run = site.run_here(&["i18n", "confirm", "--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("created i18n.lock"), "{}", run.stdout);
    let lock = site.read("i18n.lock");
    let records: Vec<&str> = lock.lines().filter(|l| !l.starts_with('#')).collect();
    let mut sorted = records.clone();
    sorted.sort();
    assert_eq!(records, sorted, "records are sorted");
    assert!(records.iter().any(|r| r.starts_with("account/_category\ttitle\tja\t")), "categories have records");
    assert!(
        !records.iter().any(|r| r.starts_with("account/forgot-password\tsteps[1].text\tja")),
        "nothing to record for a missing text"
    );
    // Confirming again changes nothing: the file is deterministic.
    site.run_here(&["i18n", "confirm", "--all"]);
    assert_eq!(site.read("i18n.lock"), lock);

    // The writer rewrites step 1 of change-password.
    let yaml = site.read(CHANGE).replace("点击右下角的【我的】", "点击底部的【我的】");
    site.write(CHANGE, yaml);
    let report = status_json(&site, &[]);
    assert_eq!(report["lock_file"], "i18n.lock");
    assert_eq!(items(&report, "en"), vec![item(CHANGE, "steps[1].text", "outdated", 10)]);
    assert_eq!(items(&report, "ja")[0], item(CHANGE, "steps[1].text", "outdated", 11));

    let build = site.build();
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(build.headlines().contains(
        &"warning: content/account/change-password.yaml:10:11: the en translation of `steps[1].text` may be outdated: the zh text changed after it was confirmed"
    ), "{:?}", build.headlines());
    let en = site.page("en/account/change-password/index.html");
    let step1 = &en[en.find("id=\"step-1\"").unwrap()..en.find("id=\"step-2\"").unwrap()];
    assert!(step1.contains("class=\"badge badge-outdated\""), "{step1}");
    assert!(!en[en.find("id=\"step-2\"").unwrap()..].contains("badge-outdated"), "only the changed step");

    // For publishing, the badges go; the fallback keeps its lang.
    let prod = site.run_here(&["build", "--production"]);
    assert_eq!(prod.code, 0, "{}", prod.stderr);
    let en = site.page("en/account/change-password/index.html");
    assert!(!en.contains("badge-outdated"));
    let ja = site.page("ja/account/forgot-password/index.html");
    assert!(!ja.contains("badge-untranslated"));
    assert!(ja.contains("<span lang=\"zh-CN\" class=\"fallback\">在登录页点击"));

    // The translator checks the file and confirms it.
    let run = site.run_here(&["i18n", "confirm", CHANGE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("confirmed 2 translations (en, ja)"), "{}", run.stdout);
    let report = status_json(&site, &[]);
    assert_eq!(language(&report, "en")["outdated"], 0);
    assert_eq!(language(&report, "ja")["outdated"], 0);
    let changed: Vec<String> = {
        let after = site.read("i18n.lock");
        let before: std::collections::BTreeSet<&str> = lock.lines().collect();
        after.lines().filter(|l| !before.contains(l)).map(str::to_string).collect()
    };
    assert_eq!(changed.len(), 2, "only the two confirmed records change: {changed:?}");

    let missing = site.run_here(&["i18n", "confirm", "content/account/nope.yaml"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("error: content/account/nope.yaml: does not exist"), "{}", missing.stderr);
}

#[test]
fn records_follow_moved_files_and_steps_and_are_pruned() {
    let site = TestSite::fixture("trilingual");
    assert_eq!(site.run_here(&["i18n", "confirm", "--all"]).code, 0);

    // Rename a tutorial: its records follow it.
    let text = site.read(CHANGE);
    std::fs::remove_file(site.root.join(CHANGE)).unwrap();
    let moved = "content/account/update-password.yaml";
    // A step inserted at the top moves the others down: their records follow too.
    let text = text.replacen(
        "steps:\n",
        "steps:\n  - text:\n      zh: 打开应用。\n      en: Open the app.\n      ja: アプリを開きます。\n",
        1,
    );
    // And the note goes away.
    let text = text[..text.find("notes:").unwrap()].to_string();
    site.write(moved, text);

    let report = status_json(&site, &[]);
    assert_eq!(
        items(&report, "en"),
        vec![item(moved, "steps[1].text", "unconfirmed", 10)],
        "moved steps stay confirmed; only the new step is unconfirmed"
    );

    let run = site.run_here(&["i18n", "confirm", moved]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("followed a moved file: account/change-password -> account/update-password"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("stale records removed"), "{}", run.stdout);
    let lock = site.read("i18n.lock");
    assert!(!lock.contains("account/change-password\t"), "the old id is gone:\n{lock}");
    assert!(!lock.contains("notes[1]"), "the removed note's records are pruned:\n{lock}");
    assert!(lock.contains("account/update-password\tsteps[3].text\tja\t"));
    assert_eq!(language(&status_json(&site, &[]), "en")["unconfirmed"], 0);
}

#[test]
fn check_finds_label_mismatches_and_inconsistent_labels() {
    let site = TestSite::fixture("trilingual");
    let yaml = site.read(FORGOT).replace("tap [Forgot Password].", "tap Forgot Password.");
    site.write(FORGOT, yaml);
    let run = site.run_here(&["check"]);
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    let lines = run.headlines();
    assert!(lines.contains(&"warning: content/account/forgot-password.yaml:10:11: the en text of `steps[1].text` names 0 UI labels (none), the zh text 1 (【忘记密码】)"), "{lines:?}");
    assert!(lines.contains(&"warning: content/account/forgot-password.yaml:13:11: in `steps[2].text`, the label 【账户设置】 is translated as [Account settings], elsewhere as [Account Settings] (1 time)"), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("has no ja translation")), "{lines:?}");
    assert_eq!(site.run_here(&["check", "--strict"]).code, 1, "--strict fails on missing translations");

    let glossary = site.run_here(&["i18n", "glossary", "--format", "json", "--lang", "en"]);
    let g: Value = serde_json::from_str(&glossary.stdout).unwrap();
    let labels = g["languages"][0]["labels"].as_array().unwrap();
    let settings = labels.iter().find(|l| l["source"] == "账户设置").unwrap();
    assert_eq!(settings["translations"][0]["text"], "Account Settings");
    assert_eq!(settings["translations"][1]["text"], "Account settings");
    let save = labels.iter().find(|l| l["source"] == "保存").unwrap();
    assert_eq!(save["translations"][0]["text"], "Save", "paired in a text with two labels");
    let tsv = site.run_here(&["i18n", "glossary", "--output", "glossary.tsv"]);
    assert_eq!(tsv.code, 0);
    assert!(site.read("glossary.tsv").contains("修改密码\tChange Password\t1\n"));
    assert!(site.read("glossary.tsv").contains("修改密码\tパスワード変更\t1\n"));
}

#[test]
fn the_side_by_side_view_aligns_source_and_translation() {
    let site = TestSite::fixture("trilingual");
    assert_eq!(site.build().code, 0);
    let tutorial = site.page("ja/account/forgot-password/index.html");
    let link = tags_with(&tutorial, "a", "side-by-side.html");
    assert_eq!(link.len(), 1, "the tutorial page links to its side-by-side view");

    let page = site.page("ja/account/forgot-password/side-by-side.html");
    assert!(page.contains("<meta name=\"robots\" content=\"noindex, follow\">"));
    assert!(page.contains("<li class=\"compare-row compare-missing\" id=\"step-1\">"), "{page}");
    let row = &page[page.find("id=\"step-1\"").unwrap()..page.find("id=\"step-2\"").unwrap()];
    assert!(row.contains("<p lang=\"zh-CN\">在登录页点击"), "{row}");
    let row2 = &page[page.find("id=\"step-2\"").unwrap()..];
    assert!(row2.contains("<p lang=\"ja\">"), "{row2}");
    // Only translations have a view: the source's page links to the first translation's,
    // and each view offers the other pairs; the source in its language switch is the tutorial.
    assert!(!site.exists("public/zh/account/forgot-password/side-by-side.html"));
    let zh = site.page("zh/account/forgot-password/index.html");
    assert_eq!(
        attr(tags_with(&zh, "a", "side-by-side.html")[0], "href"),
        Some("../../../en/account/forgot-password/side-by-side.html")
    );
    let en = site.page("en/account/forgot-password/side-by-side.html");
    assert!(en.contains("<p lang=\"en\">On the sign-in page"), "pairs zh with en");
    let other = tags_with(&en, "a", "ja/account/forgot-password/side-by-side.html");
    assert_eq!(other.len(), 2, "the language switcher and the zh/ja pair link the zh/ja view");
    assert_eq!(attr(other[1], "href"), Some("../../../ja/account/forgot-password/side-by-side.html"));
    assert!(en.contains(">中文 / 日本語</a>"));
    assert_eq!(tags_with(&en, "a", "../../../zh/account/forgot-password/\"").len(), 1, "{en}");
    // A file beside the tutorial's page, not a folder: links and canonical say so.
    assert!(!site.exists("public/en/account/forgot-password/side-by-side"));
    let canonical = tags_with(&en, "link", "rel=\"canonical\"");
    assert!(
        attr(canonical[0], "href").is_some_and(|h| h.ends_with("/en/account/forgot-password/side-by-side.html")),
        "{en}"
    );
    assert!(!en.contains("hreflang=\"zh-CN\" href=\"https"), "no alternates on a noindex page");
    assert!(!site.page("sitemap.xml").contains("side-by-side"), "noindex pages stay out of the sitemap");

    // Published builds leave the translator's tool out unless the site asks for it.
    let prod = site.run_here(&["build", "--production"]);
    assert_eq!(prod.code, 0, "{}", prod.stderr);
    assert!(!site.exists("public/ja/account/forgot-password/side-by-side.html"));
    assert!(!site.page("zh/account/forgot-password/index.html").contains("side-by-side"));
    let asked = site.read("site.toml") + "\n[i18n]\nside_by_side = true\n";
    site.write("site.toml", asked);
    assert_eq!(site.run_here(&["build", "--production"]).code, 0);
    assert!(site.exists("public/ja/account/forgot-password/side-by-side.html"));
    assert!(site.page("zh/account/forgot-password/index.html").contains("side-by-side.html"));

    // A site can do without them.
    let toml = site.read("site.toml").replace("side_by_side = true", "side_by_side = false");
    site.write("site.toml", toml);
    assert_eq!(site.build().code, 0);
    assert!(!site.exists("public/ja/account/forgot-password/side-by-side.html"));
    assert!(!site.page("ja/account/forgot-password/index.html").contains("side-by-side"));
}

#[test]
fn a_big_sites_records_are_read() {
    // 10,000 tutorials make about 12 MB of records, far over the limit for a YAML file.
    let site = TestSite::fixture("trilingual");
    assert_eq!(site.run_here(&["i18n", "confirm", "--all"]).code, 0);
    let mut lock = site.read("i18n.lock");
    lock.push_str(&"# padding to stand for many records\n".repeat(100_000));
    site.write("i18n.lock", lock);
    let run = site.run_here(&["i18n", "status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("translation records: i18n.lock"), "{}", run.stdout);
}

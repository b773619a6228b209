//! The edit API of `stepwise serve` over HTTP (`src/serve/edit.rs` documents it): every
//! op as a golden diff of the YAML file against the original, `stepwise check` passing
//! after it; every refusal; edit mode on and off; nothing of it in `build` output.

use serde_json::{Value, json};

use crate::serve::{Reply, Serve, free_port, send, wait_event};
use crate::util::TestSite;

const FILE: &str = "content/help/edit-me.yaml";
const ID: &str = "help/edit-me";
const PAGE: &str = "/en/help/edit-me/";

/// A copy of `tests/fixtures/edit` served in edit mode, and the page's token.
struct Editing {
    site: TestSite,
    server: Serve,
    token: String,
    original: String,
}

impl Editing {
    fn start() -> Editing {
        Editing::on(TestSite::fixture("edit"), &[])
    }

    fn on(site: TestSite, args: &[&str]) -> Editing {
        let original = site.read(FILE);
        let server = Serve::start_with(&site.root, free_port(), args);
        let page = server.get(PAGE);
        assert_eq!(page.status, 200, "{}", page.body);
        let token = page
            .body
            .split("\"token\":\"")
            .nth(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            .unwrap_or_default();
        Editing { site, server, token, original }
    }

    /// A request with the headers a page in edit mode sends, `changes` applied (a `None`
    /// value drops the header).
    fn http(&self, method: &str, path: &str, body: &[u8], changes: &[(&str, Option<&str>)]) -> Reply {
        let host = self.server.host();
        let origin = format!("http://{host}");
        let length = body.len().to_string();
        let mut headers: Vec<(&str, Option<&str>)> = vec![
            ("Host", Some(&host)),
            ("Origin", Some(&origin)),
            ("X-Stepwise-Token", Some(&self.token)),
            ("Content-Type", Some("application/json")),
            ("Content-Length", Some(&length)),
            ("Connection", Some("close")),
        ];
        for (name, value) in changes {
            match headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some(h) => h.1 = *value,
                None => headers.push((name, *value)),
            }
        }
        let mut raw = format!("{method} {path} HTTP/1.1\r\n");
        for (name, value) in headers {
            if let Some(v) = value {
                raw.push_str(&format!("{name}: {v}\r\n"));
            }
        }
        raw.push_str("\r\n");
        let mut raw = raw.into_bytes();
        raw.extend_from_slice(body);
        send(self.server.port, &raw)
    }

    fn doc(&self) -> Value {
        let r = self.http("GET", &format!("/__stepwise/edit/doc?id={ID}"), b"", &[]);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }

    fn hash(&self) -> String {
        self.doc()["hash"].as_str().unwrap().to_string()
    }

    /// An op on the tutorial, made against its current hash.
    fn op(&self, op: Value) -> Reply {
        let mut body = op;
        body["id"] = json!(ID);
        body["hash"] = json!(self.hash());
        self.http("POST", "/__stepwise/edit", body.to_string().as_bytes(), &[])
    }

    /// An op that must succeed; returns its answer.
    fn ok(&self, op: Value) -> Value {
        let r = self.op(op.clone());
        assert_eq!(r.status, 200, "{op}: {}", r.body);
        let answer = r.json();
        assert_eq!(answer["ok"], true, "{answer}");
        assert_eq!(answer["hash"], self.doc()["hash"], "the answer carries the new hash");
        answer
    }

    /// The file's lines that changed since the start: `-` removed, `+` added.
    fn diff(&self) -> Vec<String> {
        diff(&self.original, &self.site.read(FILE))
    }

    fn assert_checks(&self) {
        let run = self.site.run(&["check"]);
        assert_eq!(run.code, 0, "check fails after the edit:\n{}\n--- file:\n{}", run.stderr, self.site.read(FILE));
    }

    fn assert_unchanged(&self) {
        assert_eq!(self.site.read(FILE), self.original, "the file was changed");
    }
}

/// A line diff (longest common subsequence): `-old` and `+new` lines, in file order.
pub fn diff(old: &str, new: &str) -> Vec<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.split('\n').collect(), new.split('\n').collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("-{}", a[i]));
            i += 1;
        } else {
            out.push(format!("+{}", b[j]));
            j += 1;
        }
    }
    out
}

pub fn lines(expected: &[&str]) -> Vec<String> {
    expected.iter().map(|s| s.to_string()).collect()
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for k in 0..4 {
            out.push(if k <= chunk.len() { ABC[(n >> (18 - 6 * k) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

// ---------------------------------------------------------------- edit mode

#[test]
fn edit_mode_pages_carry_the_token_and_build_output_nothing() {
    let e = Editing::start();
    assert_eq!(e.token.len(), 64, "a 256-bit token in the page");
    assert!(e.server.stdout.contains("editing in the browser: on"), "{}", e.server.stdout);
    let page = e.server.get(PAGE);
    assert!(page.body.contains("<script id=\"stepwise-edit\" type=\"application/json\">"));
    assert!(
        page.body.contains("\"page\":{\"id\":\"help/edit-me\",\"lang\":\"en\",\"view\":\"tutorial\"}"),
        "{}",
        page.body
    );
    assert!(page.header("Content-Security-Policy").unwrap().contains("img-src 'self' data: blob:"));
    let script = e.server.get("/__stepwise/editor.js");
    assert_eq!(script.status, 200);
    assert!(script.body.contains("X-Stepwise-Token") && script.body.contains("window.stepwiseEditor"));
    let style = e.server.get("/__stepwise/editor.css");
    assert_eq!((style.status, style.header("Content-Type")), (200, Some("text/css; charset=utf-8")));
    assert!(style.body.contains(".sw-box"));
    // A second server has another token.
    let other = Serve::start(&e.site.root, free_port());
    assert!(!other.get(PAGE).body.contains(&e.token));

    let built = e.site.build();
    assert_eq!(built.code, 0, "{}", built.stderr);
    for entry in walk(&e.site.root.join("public")) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        for needle in
            ["stepwise-edit", "editor.js", "editor.css", "sw-edit", "X-Stepwise-Token", "__stepwise", &e.token]
        {
            assert!(!text.contains(needle), "{} holds {needle:?}", entry.display());
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn a_public_bind_without_edit_has_no_editor_and_refuses_edits() {
    let site = TestSite::fixture("edit");
    let e = Editing::on(site, &["--bind", "0.0.0.0"]);
    assert!(
        e.server
            .stdout
            .contains("editing in the browser: off, since other machines can reach 0.0.0.0 (add --edit to allow it)"),
        "{}",
        e.server.stdout
    );
    let page = e.server.get(PAGE);
    for needle in ["stepwise-edit", "editor.js", "\"token\""] {
        assert!(!page.body.contains(needle), "the page holds {needle}");
    }
    assert!(!page.header("Content-Security-Policy").unwrap().contains("blob:"));
    assert_eq!(e.server.get("/__stepwise/editor.js").status, 404);
    assert_eq!(e.server.get("/__stepwise/editor.css").status, 404);
    let doc = e.http("GET", &format!("/__stepwise/edit/doc?id={ID}"), b"", &[]);
    assert_eq!((doc.status, doc.json()["error"].clone()), (403, json!("edit_off")), "{}", doc.body);
    let body = json!({"id": ID, "hash": "0", "op": "delete_step", "step": 1}).to_string();
    let edit = e.http("POST", "/__stepwise/edit", body.as_bytes(), &[]);
    assert_eq!((edit.status, edit.json()["error"].clone()), (403, json!("edit_off")));
    let upload = json!({"id": ID, "hash": "0", "step": 1, "data": ""}).to_string();
    let r = e.http("POST", "/__stepwise/edit/image", upload.as_bytes(), &[]);
    assert_eq!((r.status, r.json()["error"].clone()), (403, json!("edit_off")));
    e.assert_unchanged();

    // With --edit, it is on, and serve warns.
    let forced = Serve::start_with(&e.site.root, free_port(), &["--bind", "0.0.0.0", "--edit"]);
    assert!(forced.get(PAGE).body.contains("stepwise-edit"));
}

// ---------------------------------------------------------------- the doc

#[test]
fn the_doc_gives_source_texts_sizes_and_translation_states() {
    let e = Editing::start();
    let doc = e.doc();
    assert_eq!(doc["id"], ID);
    assert!(doc["file"].as_str().unwrap().ends_with("content/help/edit-me.yaml"), "{doc}");
    assert_eq!(doc["hash"].as_str().unwrap().len(), 64);
    assert_eq!(doc["languages"], json!(["zh", "en"]));
    assert_eq!(
        doc["title"],
        json!({"field": "title", "plain": false, "text": {"zh": "怎么修改密码？", "en": "How do I change my password?"}})
    );
    let step1 = &doc["steps"][0];
    assert_eq!(
        step1["text"]["text"],
        json!({"zh": "打开【我的】页面。", "en": "Open [Me]."}),
        "Markdown source, labels as written"
    );
    assert_eq!(step1["image"], json!({"zh": {"path": "edit-me/step-01.png", "width": 40, "height": 80}}));
    assert_eq!(
        step1["highlight"],
        json!([{"x": 0.8, "y": 0.9, "w": 0.15, "h": 0.08,
                "label": {"field": "steps[1].highlight[1].label", "plain": false, "text": {"zh": "我的", "en": "Me"}}}])
    );
    assert_eq!(doc["steps"][1]["redact"], json!([{"x": 0.05, "y": 0.1, "w": 0.5, "h": 0.04, "label": null}]));
    assert_eq!(doc["steps"][1]["image"]["zh"]["width"], 60);
    assert_eq!(doc["steps"][2]["text"], json!({"field": "steps[3].text", "plain": true, "text": {"zh": "WeChat Pay"}}));
    assert_eq!(doc["steps"][2]["image"], Value::Null);
    assert_eq!(doc["notes"][0]["kind"], "tip");
    let states = doc["translations"].as_array().unwrap();
    let state =
        |field: &str| states.iter().find(|s| s["field"] == field && s["lang"] == "en").map(|s| s["state"].clone());
    // No lock file yet: every written translation counts as confirmed.
    assert_eq!(state("title"), Some(json!("current")));
    assert_eq!(state("steps[2].text"), Some(json!("missing")));
    assert_eq!(state("steps[3].text"), None, "a plain text is not translated");

    // The unredacted screenshot, for the editor only.
    let r = e.http("GET", &format!("/__stepwise/edit/source?id={ID}&path=edit-me/step-02.png"), b"", &[]);
    assert_eq!((r.status, r.header("Content-Type")), (200, Some("image/png")));
    let r = e.http("GET", &format!("/__stepwise/edit/source?id={ID}&path=../../../site.toml"), b"", &[]);
    assert_eq!(r.status, 400, "{}", r.body);
}

// ---------------------------------------------------------------- ops, golden

#[test]
fn set_text_changes_one_value_in_one_language() {
    let e = Editing::start();
    e.ok(
        json!({"op": "set_text", "field": "steps[1].text", "lang": "en", "text": "Open [Me], then tap **Settings**."}),
    );
    assert_eq!(e.diff(), lines(&["-      en: \"Open [Me].\"", "+      en: \"Open [Me], then tap **Settings**.\""]));
    e.ok(json!({"op": "set_text", "field": "title", "lang": "zh", "text": "怎么改【密码】？"}));
    assert_eq!(
        e.diff(),
        lines(&[
            "-  zh: 怎么修改密码？   # the question",
            "+  zh: 怎么改【密码】？   # the question",
            "-      en: \"Open [Me].\"",
            "+      en: \"Open [Me], then tap **Settings**.\"",
        ])
    );
    // A text that needs quotes in a flow map gets them.
    e.ok(json!({"op": "set_text", "field": "summary", "lang": "en", "text": "Three steps: done."}));
    assert!(
        e.diff().contains(&"+summary: {zh: 三步改好密码。, en: \"Three steps: done.\"}".to_string()),
        "{:?}",
        e.diff()
    );
    e.assert_checks();
    let doc = e.doc();
    assert_eq!(doc["steps"][0]["text"]["text"]["en"], "Open [Me], then tap **Settings**.");
}

#[test]
fn set_text_adds_a_missing_translation_at_its_siblings_indentation() {
    let e = Editing::start();
    e.ok(json!({"op": "set_text", "field": "steps[2].text", "lang": "en", "text": "Tap [Settings], then [Password]."}));
    assert_eq!(e.diff(), lines(&["+      en: Tap [Settings], then [Password]."]));
    let text = e.site.read(FILE);
    assert!(
        text.contains("      zh: 点击【设置】，再点击【密码】。\n      en: Tap [Settings], then [Password].\n"),
        "{text}"
    );
    // A missing optional field is added; an emptied translation is removed again.
    e.ok(json!({"op": "set_text", "field": "steps[2].redact[1].label", "lang": "zh", "text": "手机号"}));
    assert!(
        e.diff().contains(&"+    redact: [{x: 0.05, y: 0.1, w: 0.5, h: 0.04, label: {zh: 手机号}}]".to_string()),
        "{:?}",
        e.diff()
    );
    e.ok(json!({"op": "set_text", "field": "steps[2].text", "lang": "en", "text": ""}));
    assert_eq!(
        e.diff(),
        lines(&[
            "-    redact: [{x: 0.05, y: 0.1, w: 0.5, h: 0.04}]",
            "+    redact: [{x: 0.05, y: 0.1, w: 0.5, h: 0.04, label: {zh: 手机号}}]"
        ])
    );
    e.assert_checks();
}

#[test]
fn set_text_keeps_a_plain_text_plain() {
    let e = Editing::start();
    let answer = e.ok(json!({"op": "set_text", "field": "steps[3].text", "lang": "en", "text": "Alipay"}));
    assert_eq!(e.diff(), lines(&["-  - text: 'WeChat Pay'", "+  - text: 'Alipay'"]));
    assert!(answer["warnings"].as_array().unwrap().iter().all(|w| w.as_str().unwrap().starts_with("warning: ")));
    e.assert_checks();
}

#[test]
fn crlf_line_ends_and_a_bom_are_kept() {
    let site = TestSite::fixture("edit");
    let crlf = format!("\u{feff}{}", site.read(FILE).replace('\n', "\r\n"));
    site.write(FILE, &crlf);
    let e = Editing::on(site, &[]);
    e.ok(json!({"op": "set_text", "field": "steps[2].text", "lang": "en", "text": "Tap [Settings]."}));
    let now = std::fs::read(e.site.root.join(FILE)).unwrap();
    let expected = crlf.replace(
        "      zh: 点击【设置】，再点击【密码】。\r\n",
        "      zh: 点击【设置】，再点击【密码】。\r\n      en: Tap [Settings].\r\n",
    );
    assert_eq!(String::from_utf8(now).unwrap(), expected);
    e.assert_checks();
}

#[test]
fn set_boxes_rewrites_only_what_moved() {
    let e = Editing::start();
    let label = json!({"zh": "我的", "en": "Me"});
    // Moved and widened: two numbers change, in place; the label is kept.
    e.ok(json!({"op": "set_boxes", "step": 1, "kind": "highlight",
                "boxes": [{"x": 0.70004, "y": 0.9, "w": 0.2, "h": 0.08, "label": label}]}));
    assert_eq!(
        e.diff(),
        lines(&[
            "-    highlight: [{x: 0.8, y: 0.9, w: 0.15, h: 0.08, label: {zh: 我的, en: Me}}]",
            "+    highlight: [{x: 0.7, y: 0.9, w: 0.2, h: 0.08, label: {zh: 我的, en: Me}}]",
        ])
    );
    // A second box drawn, with a label in one language.
    e.ok(json!({"op": "set_boxes", "step": 1, "kind": "highlight", "boxes": [
        {"x": 0.7, "y": 0.9, "w": 0.2, "h": 0.08, "label": label},
        {"x": 0.1, "y": 0.12345, "w": 0.3, "h": 0.05, "label": {"zh": "返回: 上一页"}}]}));
    assert_eq!(
        e.diff(),
        lines(&[
            "-    highlight: [{x: 0.8, y: 0.9, w: 0.15, h: 0.08, label: {zh: 我的, en: Me}}]",
            "+    highlight: [{x: 0.7, y: 0.9, w: 0.2, h: 0.08, label: {zh: 我的, en: Me}}, {x: 0.1, y: 0.123, w: 0.3, h: 0.05, label: {zh: \"返回: 上一页\"}}]",
        ])
    );
    // The first deleted; a label retyped.
    e.ok(json!({"op": "set_boxes", "step": 1, "kind": "highlight", "boxes": [
        {"x": 0.1, "y": 0.123, "w": 0.3, "h": 0.05, "label": {"zh": "返回", "en": "Back"}}]}));
    assert_eq!(
        e.diff(),
        lines(&[
            "-    highlight: [{x: 0.8, y: 0.9, w: 0.15, h: 0.08, label: {zh: 我的, en: Me}}]",
            "+    highlight: [{x: 0.1, y: 0.123, w: 0.3, h: 0.05, label: {zh: 返回, en: Back}}]",
        ])
    );
    // Redaction boxes: all removed, then one drawn.
    e.ok(json!({"op": "set_boxes", "step": 2, "kind": "redact", "boxes": []}));
    assert!(e.diff().contains(&"-    redact: [{x: 0.05, y: 0.1, w: 0.5, h: 0.04}]".to_string()));
    e.ok(json!({"op": "set_boxes", "step": 2, "kind": "redact", "boxes": [{"x": 0.2, "y": 0.3, "w": 0.4, "h": 0.05}]}));
    assert_eq!(
        e.diff()[2..],
        lines(&[
            "-    redact: [{x: 0.05, y: 0.1, w: 0.5, h: 0.04}]",
            "+    redact: [{x: 0.2, y: 0.3, w: 0.4, h: 0.05}]"
        ])
    );
    e.assert_checks();
}

#[test]
fn steps_are_added_moved_and_deleted() {
    let e = Editing::start();
    e.ok(json!({"op": "add_step", "after": 2, "text": {"zh": "点击【保存】。", "en": "Tap [Save]."}}));
    assert_eq!(e.diff(), lines(&["+  - text:", "+      zh: 点击【保存】。", "+      en: Tap [Save].", "+"]));
    e.assert_checks();
    e.ok(json!({"op": "move_step", "step": 3, "to": 1}));
    let text = e.site.read(FILE);
    let first = text.find("  - text:\n      zh: 点击【保存】。").unwrap();
    assert!(first < text.find("  # The first step.").unwrap(), "{text}");
    e.ok(json!({"op": "delete_step", "step": 1}));
    e.ok(json!({"op": "delete_step", "step": 2}));
    assert_eq!(
        e.diff(),
        lines(&[
            "-  - text:",
            "-      zh: 点击【设置】，再点击【密码】。",
            "-    image: edit-me/step-02.png",
            "-    alt: {zh: 设置页, en: Settings}",
            "-    redact: [{x: 0.05, y: 0.1, w: 0.5, h: 0.04}]",
            "-",
        ])
    );
    e.assert_checks();
    // The last step cannot go: `check` wants at least one.
    e.ok(json!({"op": "delete_step", "step": 1}));
    let r = e.op(json!({"op": "delete_step", "step": 1}));
    assert_eq!((r.status, r.json()["error"].clone()), (422, json!("invalid")), "{}", r.body);
    assert!(r.json()["message"].as_str().unwrap().contains("`steps` is empty"), "{}", r.body);
}

#[test]
fn a_step_moves_with_its_comments() {
    let e = Editing::start();
    e.ok(json!({"op": "move_step", "step": 3, "to": 1}));
    assert_eq!(e.diff(), lines(&["+  - text: 'WeChat Pay'", "+", "-", "-  - text: 'WeChat Pay'"]));
    e.ok(json!({"op": "move_step", "step": 2, "to": 3}));
    let text = e.site.read(FILE);
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s:?} in {text}"));
    assert!(at("WeChat Pay") < at("zh: 点击【设置】") && at("zh: 点击【设置】") < at("  # The first step."), "{text}");
    e.assert_checks();
}

#[test]
fn a_step_gets_another_screenshot_and_keeps_its_boxes() {
    let e = Editing::start();
    e.ok(json!({"op": "set_image", "step": 2, "path": "edit-me/step-01.png"}));
    assert_eq!(e.diff(), lines(&["-    image: edit-me/step-02.png", "+    image: edit-me/step-01.png"]));
    // One for English only: the plain path becomes a map by language.
    e.ok(json!({"op": "set_image", "step": 2, "lang": "en", "path": "edit-me/step-02.png"}));
    assert_eq!(
        e.diff(),
        lines(&["-    image: edit-me/step-02.png", "+    image: {zh: edit-me/step-01.png, en: edit-me/step-02.png}"])
    );
    e.assert_checks();
    let r = e.op(json!({"op": "set_image", "step": 2, "path": "edit-me/none.png"}));
    assert_eq!(r.status, 404, "{}", r.body);
}

#[test]
fn a_pasted_screenshot_is_saved_beside_the_tutorial_and_set() {
    let e = Editing::start();
    let png = std::fs::read(e.site.root.join("content/help/edit-me/step-02.png")).unwrap();
    let upload = |step: usize, data: String| {
        let body = json!({"id": ID, "hash": e.hash(), "step": step, "data": data});
        e.http("POST", "/__stepwise/edit/image", body.to_string().as_bytes(), &[])
    };
    // Replacing step 2's screenshot: a new name (step-02.png is taken), the boxes kept.
    let r = upload(2, format!("data:image/png;base64,{}", base64(&png)));
    assert_eq!(r.status, 200, "{}", r.body);
    let answer = r.json();
    assert_eq!(
        (answer["path"].clone(), answer["width"].clone(), answer["height"].clone()),
        (json!("edit-me/step-02-2.png"), json!(60), json!(120))
    );
    assert_eq!(e.diff(), lines(&["-    image: edit-me/step-02.png", "+    image: edit-me/step-02-2.png"]));
    assert_eq!(std::fs::read(e.site.root.join("content/help/edit-me/step-02-2.png")).unwrap(), png);
    assert_eq!(std::fs::read(e.site.root.join("content/help/edit-me/step-02.png")).unwrap(), png, "the old file stays");
    // A step without a screenshot gets one.
    let r = upload(3, base64(&png));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        e.diff(),
        lines(&[
            "-    image: edit-me/step-02.png",
            "+    image: edit-me/step-02-2.png",
            "+    image: edit-me/step-03.png"
        ])
    );
    e.assert_checks();
}

#[test]
fn a_translation_is_confirmed_as_i18n_confirm_would() {
    let e = Editing::start();
    assert_eq!(e.site.run(&["i18n", "confirm", "--all"]).code, 0);
    let lock = e.site.read("i18n.lock");
    // The source text changes: its translation is outdated.
    e.ok(json!({"op": "set_text", "field": "title", "lang": "zh", "text": "怎么改密码？"}));
    let state = |doc: &Value| {
        doc["translations"].as_array().unwrap().iter().find(|s| s["field"] == "title" && s["lang"] == "en").unwrap()["state"].clone()
    };
    assert_eq!(state(&e.doc()), "outdated");
    let hash = e.hash();
    let answer = e.ok(json!({"op": "confirm", "field": "title", "lang": "en"}));
    assert_eq!(
        (answer["confirmed"].clone(), answer["hash"].clone()),
        (json!(1), json!(hash)),
        "the YAML is not touched"
    );
    assert_eq!(state(&e.doc()), "current");
    let changed = diff(&lock, &e.site.read("i18n.lock"));
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(
        changed[0].starts_with("-help/edit-me\ttitle\ten\t") && changed[1].starts_with("+help/edit-me\ttitle\ten\t"),
        "{changed:?}"
    );
    // The same as the command line makes for that field.
    let by_hand = TestSite::fixture("edit");
    std::fs::write(by_hand.root.join("i18n.lock"), &lock).unwrap();
    std::fs::write(by_hand.root.join(FILE), e.site.read(FILE)).unwrap();
    assert_eq!(by_hand.run_here(&["i18n", "confirm", FILE, "--lang", "en"]).code, 0);
    assert_eq!(by_hand.read("i18n.lock"), e.site.read("i18n.lock"));
    e.assert_checks();
    // A missing translation has nothing to confirm.
    let r = e.op(json!({"op": "confirm", "field": "steps[2].text", "lang": "en"}));
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn an_edit_reaches_the_open_page() {
    let e = Editing::start();
    let events = e.server.events();
    wait_event(&events, "hello");
    e.ok(json!({"op": "set_text", "field": "title", "lang": "en", "text": "Changed in the browser"}));
    let build = wait_event(&events, "reload");
    let page = e.server.get(PAGE);
    assert!(page.body.contains("Changed in the browser"), "{}", page.body);
    assert!(page.body.contains(&format!("var build = \"{build}\"")));
}

// ---------------------------------------------------------------- refusals

#[test]
fn refuses_a_stale_hash() {
    let e = Editing::start();
    let hash = e.hash();
    let changed = format!("{}# edited elsewhere\n", e.original);
    std::fs::write(e.site.root.join(FILE), &changed).unwrap();
    let body = json!({"id": ID, "hash": hash, "op": "set_text", "field": "title", "lang": "en", "text": "x"});
    let r = e.http("POST", "/__stepwise/edit", body.to_string().as_bytes(), &[]);
    assert_eq!(r.status, 409, "{}", r.body);
    let answer = r.json();
    assert_eq!(answer["error"], "stale");
    assert!(answer["message"].as_str().unwrap().contains("changed on disk since the page was loaded"), "{answer}");
    assert_eq!(answer["hash"], e.doc()["hash"]);
    assert_ne!(answer["hash"], json!(hash));
    assert_eq!(e.site.read(FILE), changed);
}

#[test]
fn refuses_a_missing_or_wrong_token() {
    let e = Editing::start();
    let body = json!({"id": ID, "hash": e.hash(), "op": "delete_step", "step": 3}).to_string();
    for token in [None, Some("0".repeat(64).as_str()), Some("")] {
        let r = e.http("POST", "/__stepwise/edit", body.as_bytes(), &[("X-Stepwise-Token", token)]);
        assert_eq!((r.status, r.json()["error"].clone()), (403, json!("bad_token")), "{token:?}: {}", r.body);
        let r = e.http("GET", &format!("/__stepwise/edit/doc?id={ID}"), b"", &[("X-Stepwise-Token", token)]);
        assert_eq!(r.status, 403, "the doc needs the token too");
    }
    e.assert_unchanged();
}

#[test]
fn refuses_a_foreign_origin() {
    let e = Editing::start();
    let body = json!({"id": ID, "hash": e.hash(), "op": "delete_step", "step": 3}).to_string();
    let localhost = format!("http://localhost:{}", e.server.port);
    for origin in [Some("http://evil.example"), Some("null"), Some(localhost.as_str()), None] {
        let r = e.http("POST", "/__stepwise/edit", body.as_bytes(), &[("Origin", origin)]);
        assert_eq!((r.status, r.json()["error"].clone()), (403, json!("bad_origin")), "{origin:?}: {}", r.body);
    }
    // Not JSON: refused before anything is read.
    let r = e.http("POST", "/__stepwise/edit", body.as_bytes(), &[("Content-Type", Some("text/plain"))]);
    assert_eq!((r.status, r.json()["error"].clone()), (415, json!("bad_content_type")));
    // A GET is no write.
    let r = e.http("GET", "/__stepwise/edit", b"", &[]);
    assert_eq!(r.status, 405);
    e.assert_unchanged();
}

#[test]
fn refuses_a_foreign_host() {
    let e = Editing::start();
    let body = json!({"id": ID, "hash": e.hash(), "op": "delete_step", "step": 3}).to_string();
    let host = format!("rebound.example:{}", e.server.port);
    let origin = format!("http://{host}");
    let r = e.http("POST", "/__stepwise/edit", body.as_bytes(), &[("Host", Some(&host)), ("Origin", Some(&origin))]);
    assert_eq!((r.status, r.json()["error"].clone()), (403, json!("bad_host")), "{}", r.body);
    let r = e.http("GET", &format!("/__stepwise/edit/doc?id={ID}"), b"", &[("Host", Some(&host))]);
    assert_eq!(r.status, 403);
    e.assert_unchanged();
}

#[test]
fn refuses_a_path_outside_content() {
    let e = Editing::start();
    std::fs::write(e.site.root.join("outside.yaml"), &e.original).unwrap();
    for id in
        ["../outside", "help/../../outside", "/etc/passwd", "help/./edit-me", "help\\edit-me", "_x/y", "help/.edit-me"]
    {
        let body = json!({"id": id, "hash": e.hash(), "op": "delete_step", "step": 3}).to_string();
        let r = e.http("POST", "/__stepwise/edit", body.as_bytes(), &[]);
        assert_eq!((r.status, r.json()["error"].clone()), (400, json!("bad_path")), "{id}: {}", r.body);
    }
    let r = e.op(json!({"op": "set_image", "step": 1, "path": "../../../outside.yaml"}));
    assert_eq!((r.status, r.json()["error"].clone()), (400, json!("bad_path")), "{}", r.body);
    assert_eq!(e.site.read("outside.yaml"), e.original);
    e.assert_unchanged();
}

#[test]
#[cfg(unix)]
fn refuses_a_yaml_symlink_leading_out() {
    let e = Editing::start();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere.yaml");
    std::fs::write(&target, &e.original).unwrap();
    std::os::unix::fs::symlink(&target, e.site.root.join("content/help/linked.yaml")).unwrap();
    let hash = e.hash();
    let body =
        json!({"id": "help/linked", "hash": hash, "op": "set_text", "field": "title", "lang": "en", "text": "x"});
    let r = e.http("POST", "/__stepwise/edit", body.to_string().as_bytes(), &[]);
    assert_eq!((r.status, r.json()["error"].clone()), (403, json!("outside")), "{}", r.body);
    let r = e.http("GET", "/__stepwise/edit/doc?id=help/linked", b"", &[]);
    assert_eq!(r.status, 403);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), e.original);
    // A screenshot folder linked out is refused too.
    std::os::unix::fs::symlink(outside.path(), e.site.root.join("content/help/shots")).unwrap();
    let r = e.op(json!({"op": "set_image", "step": 1, "path": "shots/elsewhere.yaml"}));
    assert_eq!((r.status, r.json()["error"].clone()), (403, json!("outside")), "{}", r.body);
}

#[test]
fn refuses_an_oversize_upload() {
    let site = TestSite::fixture("edit");
    let config = site.read("site.toml");
    site.write("site.toml", format!("{config}\n[images]\nmax_file_mb = 1\n"));
    let e = Editing::on(site, &[]);
    let big = base64(&vec![0u8; 2 << 20]);
    let body = json!({"id": ID, "hash": e.hash(), "step": 2, "data": big}).to_string();
    let r = e.http("POST", "/__stepwise/edit/image", body.as_bytes(), &[]);
    assert_eq!((r.status, r.json()["error"].clone()), (413, json!("too_large")), "{}", r.body);
    // An edit body has its own, smaller limit.
    let text = "x".repeat(300 * 1024);
    let body = json!({"id": ID, "hash": e.hash(), "op": "set_text", "field": "title", "lang": "en", "text": text});
    let r = e.http("POST", "/__stepwise/edit", body.to_string().as_bytes(), &[]);
    assert_eq!((r.status, r.json()["error"].clone()), (413, json!("too_large")));
    e.assert_unchanged();
    assert!(!e.site.exists("content/help/edit-me/step-02-2.png"));
}

#[test]
fn refuses_an_svg_upload() {
    let e = Editing::start();
    let svg = base64(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");
    let body = json!({"id": ID, "hash": e.hash(), "step": 2, "data": svg}).to_string();
    let r = e.http("POST", "/__stepwise/edit/image", body.as_bytes(), &[]);
    assert_eq!(r.status, 422, "{}", r.body);
    let answer = r.json();
    assert_eq!(answer["error"], "invalid");
    assert!(
        answer["message"].as_str().unwrap().contains("the file is an SVG image; screenshots must be PNG, JPEG or WebP"),
        "{answer}"
    );
    e.assert_unchanged();
    let files: Vec<_> =
        std::fs::read_dir(e.site.root.join("content/help/edit-me")).unwrap().map(|f| f.unwrap().file_name()).collect();
    assert_eq!(files.len(), 2, "nothing was saved: {files:?}");
    // A truncated PNG is caught by decoding it.
    let png = std::fs::read(e.site.root.join("content/help/edit-me/step-02.png")).unwrap();
    let body = json!({"id": ID, "hash": e.hash(), "step": 2, "data": base64(&png[..png.len() - 20])}).to_string();
    let r = e.http("POST", "/__stepwise/edit/image", body.as_bytes(), &[]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.json()["message"].as_str().unwrap().contains("corrupt or truncated"), "{}", r.body);
    e.assert_unchanged();
    assert_eq!(std::fs::read_dir(e.site.root.join("content/help/edit-me")).unwrap().count(), 2);
}

/// An edit that would make the file invalid is refused with the message `check` gives
/// for the same text.
#[test]
fn refuses_an_edit_check_would_refuse_with_checks_message() {
    let e = Editing::start();
    let r = e.op(json!({"op": "set_boxes", "step": 1, "kind": "highlight", "boxes": [{"x": 0.9, "y": 0.9, "w": 0.2, "h": 0.08}]}));
    assert_eq!(r.status, 422, "{}", r.body);
    let answer = r.json();
    e.assert_unchanged();
    let by_hand = TestSite::fixture("edit");
    by_hand.write(
        FILE,
        e.original.replace(
            "{x: 0.8, y: 0.9, w: 0.15, h: 0.08, label: {zh: 我的, en: Me}}",
            "{x: 0.9, y: 0.9, w: 0.2, h: 0.08}",
        ),
    );
    let check = by_hand.run(&["check"]);
    assert_eq!(check.code, 1);
    let headline = check.headlines().into_iter().find(|l| l.starts_with("error: ")).unwrap().to_string();
    let relative = |s: &str, root: &std::path::Path| s.replace(&format!("{}/", root.display()), "");
    assert_eq!(relative(answer["message"].as_str().unwrap(), &e.site.root), relative(&headline, &by_hand.root));
    assert!(
        headline.contains("content/help/edit-me.yaml:16:17: `steps[1].highlight[1]` reaches outside the image"),
        "{headline}"
    );
    let d = &answer["diagnostics"][0];
    assert_eq!((d["line"].clone(), d["col"].clone()), (json!(16), json!(17)));
    assert!(
        answer["text"].as_str().unwrap().contains("16 |     highlight: [{x: 0.9, y: 0.9, w: 0.2, h: 0.08}]"),
        "{answer}"
    );
    // Unknown ops, fields, languages and steps are bad requests.
    for bad in [
        json!({"op": "paint"}),
        json!({"op": "set_text", "field": "date", "lang": "en", "text": "x"}),
        json!({"op": "set_text", "field": "title", "lang": "fr", "text": "x"}),
        json!({"op": "delete_step", "step": 9}),
        json!({"op": "move_step", "step": 1, "to": 0}),
    ] {
        let r = e.op(bad.clone());
        assert_eq!((r.status, r.json()["error"].clone()), (400, json!("bad_request")), "{bad}: {}", r.body);
    }
    e.assert_unchanged();
}

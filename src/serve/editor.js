// stepwise serve: the editor's script. Served at /__stepwise/editor.js and named by a
// page only in edit mode (never by `stepwise build`, never with edit mode off).
//
// It reads the page's edit configuration (<script id="stepwise-edit">: the per-run
// token, the API base, which tutorial the page shows) and offers window.stepwiseEditor,
// which speaks the edit API documented in src/serve/edit.rs:
//
//   stepwiseEditor.page                 {lang, id, view} or null
//   stepwiseEditor.doc(id?)             -> Promise of the doc (GET /doc)
//   stepwiseEditor.edit(request)        -> Promise of the answer (POST; {id, hash, op, ...})
//   stepwiseEditor.upload(request)      -> Promise of the answer (POST /image; {id, hash, step, lang?, data})
//   stepwiseEditor.source(id, path)     -> Promise of a blob: URL of the unredacted screenshot
//
// A refused request rejects with an Error carrying `status` and `data` (the refusal's
// JSON: `error`, `message`, and for `stale` the file's current `hash`). The editor UI
// (ui(), below) is built on it; its styles are /__stepwise/editor.css.
(function () {
  "use strict";
  var config = document.getElementById("stepwise-edit");
  if (!config) return;
  var edit = JSON.parse(config.textContent);

  function call(method, path, body) {
    var init = { method: method, headers: { "X-Stepwise-Token": edit.token }, cache: "no-store" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(edit.api + path, init).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (r.ok && type.indexOf("application/json") !== 0) return r.blob();
      return r.json().then(function (data) {
        if (r.ok) return data;
        var e = new Error(data.message || r.statusText);
        e.status = r.status;
        e.data = data;
        throw e;
      });
    });
  }

  window.stepwiseEditor = {
    page: edit.page,
    doc: function (id) {
      return call("GET", "/doc?id=" + encodeURIComponent(id || (edit.page && edit.page.id) || ""));
    },
    edit: function (request) { return call("POST", "", request); },
    upload: function (request) { return call("POST", "/image", request); },
    source: function (id, path) {
      return call("GET", "/source?id=" + encodeURIComponent(id) + "&path=" + encodeURIComponent(path))
        .then(function (blob) { return URL.createObjectURL(blob); });
    }
  };

  // ---------------------------------------------------------------------------------
  // The editor UI (issue 14), built on window.stepwiseEditor only. The Edit switch (and
  // the key `e`) turns edit mode on for this tab (sessionStorage: it survives the reload
  // every save causes); the page is then decorated from the doc:
  //   - boxes on screenshots: drag to draw (tool: highlight or redact), drag a box to
  //     move it, its corners to resize; arrows nudge the selected box, Shift+arrows
  //     resize, Delete removes, Enter labels it (every language of the site);
  //   - texts in place (title, summary, step text, alt, note): click, edit the source
  //     text of the page's language, Enter saves, Escape cancels;
  //   - side-by-side: every translation cell editable, "Confirm" on outdated rows;
  //   - a pasted (Ctrl/Cmd+V) or dropped image becomes the screenshot of the step last
  //     clicked (or the one in view);
  //   - per step: move up, move down, add a step after, delete.
  // Every save carries the doc's hash; the server's rebuild then reloads the page. A
  // refusal shows the server's message (the text `stepwise check` prints); a stale hash
  // reloads the page.
  // ---------------------------------------------------------------------------------
  function ui() {
    var ON = "stepwise-edit-on", SELECTED = "stepwise-edit-selected";
    var page = edit.page;
    var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
    var T = zh ? {
      edit: "编辑", editing: "编辑中", saving: "正在保存…", saved: "已保存", highlight: "高亮框", redact: "遮盖框",
      label: "标签…", del: "删除框", alt: "替代文字…", shot: "截图…", up: "上移", down: "下移", add: "在后面加一步",
      delStep: "删除这一步", really: "再点一次删除", save: "保存", cancel: "取消", confirm: "确认译文",
      box: "框", textOf: "编辑文字", close: "关闭", pasteHint: "粘贴或拖入图片可换截图",
      help: "拖动画框；拖框移动，拖角改大小；方向键移动，Shift+方向键改大小，Delete 删除，Enter 写标签"
    } : {
      edit: "Edit", editing: "Editing", saving: "Saving…", saved: "Saved", highlight: "Highlight", redact: "Redact",
      label: "Label…", del: "Delete box", alt: "Alt text…", shot: "Screenshot…", up: "Move up", down: "Move down",
      add: "Add a step after", delStep: "Delete step", really: "Click again to delete", save: "Save", cancel: "Cancel",
      confirm: "Confirm", box: "box", textOf: "Edit text", close: "Close", pasteHint: "Paste or drop an image to set the screenshot",
      help: "Drag to draw a box; drag a box to move it, a corner to resize it; arrows nudge, Shift+arrows resize, Delete removes, Enter labels"
    };
    var doc = null, tool = "highlight", current = null, steps = {};

    function el(tag, attrs, text) {
      var e = document.createElement(tag);
      for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
      if (text !== undefined) e.textContent = text;
      return e;
    }
    var css = el("link", { rel: "stylesheet", href: "/__stepwise/editor.css" });
    document.head.appendChild(css);

    // The switch and the status line.
    var bar = el("div", { id: "sw-edit-bar", class: "sw-ui" });
    var toggle = el("button", { type: "button", id: "sw-edit-switch", "aria-pressed": "false", "aria-keyshortcuts": "e" }, T.edit);
    var status = el("span", { id: "sw-edit-status", role: "status" });
    bar.appendChild(toggle);
    bar.appendChild(status);
    document.body.appendChild(bar);
    toggle.addEventListener("click", function () { setOn(!isOn()); });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "e" || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      e.preventDefault();
      setOn(!isOn());
    });
    function typing(t) {
      return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    }
    function isOn() { return sessionStorage.getItem(ON) === "1"; }
    function setOn(on) {
      if (on) { sessionStorage.setItem(ON, "1"); start(); } else { sessionStorage.removeItem(ON); location.reload(); }
    }

    function say(text) { status.textContent = text; }
    function showError(message, detail) {
      var box = document.getElementById("sw-edit-error");
      if (box) box.remove();
      box = el("div", { id: "sw-edit-error", class: "sw-ui", role: "alert" });
      box.appendChild(el("strong", {}, message));
      if (detail) box.appendChild(el("pre", {}, detail));
      var close = el("button", { type: "button" }, T.close);
      close.addEventListener("click", function () { box.remove(); });
      box.appendChild(close);
      document.body.appendChild(box);
    }

    // One save: the doc's hash goes with it; the page reloads when the server has rebuilt.
    function save(request, after) {
      request.id = doc.id;
      request.hash = doc.hash;
      say(T.saving);
      var old = document.getElementById("sw-edit-error");
      if (old) old.remove();
      return api().then(function (answer) {
        doc.hash = answer.hash;
        say(T.saved);
        if (after) after(answer);
        // Nothing changed on disk: no rebuild comes, so redraw from the file itself.
        if (!answer.changed) reloadDoc();
        return answer;
      }, function (err) {
        var data = err.data || {};
        say("");
        if (data.error === "stale") {
          showError(err.message);
          setTimeout(function () { location.reload(); }, 1500);
          return;
        }
        showError(err.message, data.text);
        reloadDoc();
      });
      function api() {
        return request.data ? window.stepwiseEditor.upload(request) : window.stepwiseEditor.edit(request);
      }
    }
    function reloadDoc() {
      return window.stepwiseEditor.doc(page.id).then(function (d) { doc = d; decorate(); });
    }

    function start() {
      toggle.setAttribute("aria-pressed", "true");
      toggle.textContent = T.editing;
      document.documentElement.classList.add("sw-editing");
      if (!page) { document.documentElement.setAttribute("data-sw-editor", "ready"); return; }
      reloadDoc().catch(function (err) { showError(err.message, err.data && err.data.text); });
    }

    // --------------------------------------------------------------- the page's texts
    function source() { return doc.languages[0]; }
    function lang() { return page.lang; }
    function textOf(text, code) {
      if (!text) return "";
      if (text.plain) return text.text[source()] || "";
      return text.text[code] || "";
    }
    // Makes `host` editable as `field` in language `code`; `text` the doc's Text or null.
    function editable(host, field, text, code) {
      if (!host || host.getAttribute("data-sw-field")) return;
      host.setAttribute("data-sw-field", field);
      host.setAttribute("data-sw-lang", code);
      host.classList.add("sw-text");
      host.tabIndex = 0;
      host.title = T.textOf;
      var open = function (e) {
        if (e.target.closest && e.target.closest(".sw-ui")) return;
        e.preventDefault();
        openText(host, field, textOf(text, code), code);
      };
      host.addEventListener("click", open);
      host.addEventListener("keydown", function (e) { if (e.key === "Enter" && e.target === host) open(e); });
    }
    function openText(host, field, value, code) {
      if (host.nextSibling && host.nextSibling.classList && host.nextSibling.classList.contains("sw-text-form")) return;
      var form = el("div", { class: "sw-text-form sw-ui" });
      var input = el("textarea", { class: "sw-input", rows: String(Math.max(1, value.split("\n").length)),
        "aria-label": T.textOf + " (" + field + ", " + code + ")", lang: code, "data-sw-input": field });
      input.value = value;
      form.appendChild(input);
      host.hidden = true;
      host.parentNode.insertBefore(form, host.nextSibling);
      input.focus();
      input.select();
      var close = function () { form.remove(); host.hidden = false; host.focus(); };
      input.addEventListener("keydown", function (e) {
        if (e.key === "Escape") { e.preventDefault(); close(); }
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
          e.preventDefault();
          input.disabled = true;
          save({ op: "set_text", field: field, lang: code, text: input.value }).then(function (a) {
            if (!a) input.disabled = false;
          });
        }
      });
    }

    // --------------------------------------------------------------- boxes
    var r3 = function (v) { return Math.round(v * 1000) / 1000; };
    var MIN = 0.01;
    function labelValue(label) {
      if (!label) return null;
      if (label.plain) return label.text[source()] || null;
      return label.text;
    }
    function clean(b) {
      var x = Math.min(Math.max(r3(b.x), 0), 1 - MIN), y = Math.min(Math.max(r3(b.y), 0), 1 - MIN);
      var out = { x: x, y: y, w: Math.max(MIN, Math.min(r3(b.w), r3(1 - x))), h: Math.max(MIN, Math.min(r3(b.h), r3(1 - y))) };
      if (b.label) out.label = b.label;
      return out;
    }
    function saveBoxes(n, kind) {
      remember(n, kind, steps[n].sel && steps[n].sel.kind === kind ? steps[n].sel.i : null);
      return save({ op: "set_boxes", step: n, kind: kind, boxes: steps[n][kind].map(clean) });
    }
    function remember(n, kind, i) {
      if (i === null || i === undefined) sessionStorage.removeItem(SELECTED);
      else sessionStorage.setItem(SELECTED, JSON.stringify({ id: doc.id, step: n, kind: kind, i: i }));
    }

    function shot(li, n, s) {
      var frame = li.querySelector(".shot-frame");
      if (!frame) return;
      var img = frame.querySelector("img");
      frame.removeAttribute("href");
      frame.classList.add("sw-frame");
      // The writer sees the unredacted source; the published pixels stay redacted.
      var image = s.image[lang()] || s.image[source()];
      if (image && img) {
        window.stepwiseEditor.source(doc.id, image.path).then(function (url) {
          var pic = img.parentNode;
          if (pic && pic.tagName === "PICTURE") pic.querySelectorAll("source").forEach(function (x) { x.remove(); });
          img.removeAttribute("srcset");
          img.src = url;
        }, function () {});
      }
      var st = steps[n] = { highlight: s.highlight.map(copy), redact: s.redact.map(copy), sel: null };
      function copy(b) { return { x: b.x, y: b.y, w: b.w, h: b.h, label: labelValue(b.label) }; }
      var layer = el("div", { class: "sw-layer", "data-sw-step": String(n), title: T.help });
      frame.appendChild(layer);

      function draw() {
        layer.textContent = "";
        ["redact", "highlight"].forEach(function (kind) {
          st[kind].forEach(function (b, i) {
            var label = b.label ? (typeof b.label === "string" ? b.label : (b.label[lang()] || b.label[source()] || "")) : "";
            var box = el("div", { class: "sw-box sw-" + kind, tabindex: "0", role: "button",
              "data-kind": kind, "data-i": String(i),
              "aria-label": (kind === "highlight" ? T.highlight : T.redact) + " " + (i + 1) + (label ? ": " + label : "") });
            place(box, b);
            if (label) box.appendChild(el("span", { class: "sw-box-label" }, label));
            ["nw", "ne", "sw", "se"].forEach(function (c) { box.appendChild(el("span", { class: "sw-handle sw-" + c, "data-corner": c })); });
            if (st.sel && st.sel.kind === kind && st.sel.i === i) box.classList.add("sw-selected");
            layer.appendChild(box);
          });
        });
      }
      function place(box, b) {
        box.style.left = b.x * 100 + "%";
        box.style.top = b.y * 100 + "%";
        box.style.width = b.w * 100 + "%";
        box.style.height = b.h * 100 + "%";
      }
      function boxEl(sel) { return sel && layer.querySelector('.sw-box[data-kind="' + sel.kind + '"][data-i="' + sel.i + '"]'); }
      function select(sel, focus) {
        st.sel = sel;
        current = n;
        layer.querySelectorAll(".sw-selected").forEach(function (b) { b.classList.remove("sw-selected"); });
        var b = boxEl(sel);
        if (b) { b.classList.add("sw-selected"); if (focus) b.focus(); }
      }
      draw();

      // Drawing, moving, resizing: pointer events (mouse, pen, touch alike).
      var drag = null;
      function at(e) {
        var r = layer.getBoundingClientRect();
        return { x: Math.min(Math.max((e.clientX - r.left) / r.width, 0), 1), y: Math.min(Math.max((e.clientY - r.top) / r.height, 0), 1) };
      }
      layer.addEventListener("pointerdown", function (e) {
        if (e.button > 0) return;
        e.preventDefault();
        var p = at(e), target = e.target, box = target.closest(".sw-box");
        if (box) {
          var sel = { kind: box.getAttribute("data-kind"), i: +box.getAttribute("data-i") };
          select(sel, true);
          var b = st[sel.kind][sel.i];
          drag = { mode: target.getAttribute("data-corner") || "move", sel: sel, p: p, b: { x: b.x, y: b.y, w: b.w, h: b.h }, moved: false };
        } else {
          st[tool].push({ x: p.x, y: p.y, w: 0, h: 0, label: null });
          var s2 = { kind: tool, i: st[tool].length - 1 };
          draw();
          select(s2, false);
          drag = { mode: "draw", sel: s2, p: p, b: { x: p.x, y: p.y, w: 0, h: 0 }, moved: false };
        }
        layer.setPointerCapture(e.pointerId);
      });
      layer.addEventListener("pointermove", function (e) {
        if (!drag) return;
        var p = at(e), o = drag.b, b = st[drag.sel.kind][drag.sel.i];
        var dx = p.x - drag.p.x, dy = p.y - drag.p.y;
        if (Math.abs(dx) + Math.abs(dy) > 0.002) drag.moved = true;
        if (drag.mode === "move") {
          b.x = Math.min(Math.max(o.x + dx, 0), 1 - o.w);
          b.y = Math.min(Math.max(o.y + dy, 0), 1 - o.h);
        } else {
          // The corner opposite the one dragged stays put (for a new box: where it began).
          var fixed = {
            x: drag.mode === "draw" ? o.x : (/w/.test(drag.mode) ? o.x + o.w : o.x),
            y: drag.mode === "draw" ? o.y : (/n/.test(drag.mode) ? o.y + o.h : o.y)
          };
          b.x = Math.min(fixed.x, p.x);
          b.y = Math.min(fixed.y, p.y);
          b.w = Math.abs(p.x - fixed.x);
          b.h = Math.abs(p.y - fixed.y);
        }
        var box = boxEl(drag.sel);
        if (box) place(box, b);
      });
      function end(e) {
        if (!drag) return;
        var d = drag, b = st[d.sel.kind][d.sel.i];
        drag = null;
        if (layer.hasPointerCapture(e.pointerId)) layer.releasePointerCapture(e.pointerId);
        if (!d.moved) {
          if (d.mode === "draw") { st[d.sel.kind].pop(); st.sel = null; draw(); }
          return;
        }
        if (b.w < MIN || b.h < MIN) {
          if (d.mode === "draw") { st[d.sel.kind].pop(); st.sel = null; draw(); return; }
          b.w = Math.max(b.w, MIN); b.h = Math.max(b.h, MIN);
        }
        saveBoxes(n, d.sel.kind);
      }
      layer.addEventListener("pointerup", end);
      layer.addEventListener("pointercancel", end);

      // The keyboard: on a focused box.
      var pending = null;
      layer.addEventListener("keydown", function (e) {
        var box = e.target.closest && e.target.closest(".sw-box");
        if (!box) return;
        var sel = { kind: box.getAttribute("data-kind"), i: +box.getAttribute("data-i") };
        var b = st[sel.kind][sel.i], step = 0.01;
        st.sel = sel;
        var arrows = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
        if (arrows[e.key]) {
          e.preventDefault();
          var d = arrows[e.key];
          if (e.shiftKey) {
            b.w = Math.min(Math.max(b.w + d[0], MIN), 1 - b.x);
            b.h = Math.min(Math.max(b.h + d[1], MIN), 1 - b.y);
          } else {
            b.x = Math.min(Math.max(b.x + d[0], 0), 1 - b.w);
            b.y = Math.min(Math.max(b.y + d[1], 0), 1 - b.h);
          }
          place(box, b);
          clearTimeout(pending);
          pending = setTimeout(function () { saveBoxes(n, sel.kind); }, 600);
        } else if (e.key === "Delete" || e.key === "Backspace") {
          e.preventDefault();
          removeBox(sel);
        } else if (e.key === "Enter") {
          e.preventDefault();
          labelForm(sel);
        }
      });
      function removeBox(sel) {
        st[sel.kind].splice(sel.i, 1);
        st.sel = null;
        draw();
        saveBoxes(n, sel.kind);
      }

      // A label in every language of the site.
      function labelForm(sel) {
        var old = li.querySelector(".sw-label-form");
        if (old) old.remove();
        var b = st[sel.kind][sel.i];
        if (!b) return;
        var form = el("form", { class: "sw-label-form sw-ui" });
        var inputs = {};
        doc.languages.forEach(function (code) {
          var label = el("label", {}, T.label.replace("…", "") + " (" + code + ") ");
          var input = el("input", { type: "text", lang: code, name: "label-" + code });
          input.value = !b.label ? "" : typeof b.label === "string" ? (code === source() ? b.label : "") : (b.label[code] || "");
          inputs[code] = input;
          label.appendChild(input);
          form.appendChild(label);
        });
        var ok = el("button", { type: "submit" }, T.save), no = el("button", { type: "button" }, T.cancel);
        form.appendChild(ok);
        form.appendChild(no);
        no.addEventListener("click", function () { form.remove(); select(sel, true); });
        form.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); form.remove(); select(sel, true); } });
        form.addEventListener("submit", function (e) {
          e.preventDefault();
          var map = {}, any = false;
          doc.languages.forEach(function (code) {
            var v = inputs[code].value.trim();
            if (v) { map[code] = v; any = true; }
          });
          b.label = any ? map : null;
          st.sel = sel;
          saveBoxes(n, sel.kind);
        });
        tools.after(form);
        inputs[lang()] ? inputs[lang()].focus() : form.querySelector("input").focus();
      }

      // The screenshot's tools.
      var tools = el("div", { class: "sw-tools sw-ui", role: "toolbar", "aria-label": T.shot });
      ["highlight", "redact"].forEach(function (kind) {
        var b = el("button", { type: "button", "aria-pressed": String(tool === kind), "data-sw-tool": kind }, T[kind]);
        b.addEventListener("click", function () {
          tool = kind;
          document.querySelectorAll("[data-sw-tool]").forEach(function (x) {
            x.setAttribute("aria-pressed", String(x.getAttribute("data-sw-tool") === tool));
          });
        });
        tools.appendChild(b);
      });
      var labelB = el("button", { type: "button", "data-sw-action": "label" }, T.label);
      labelB.addEventListener("click", function () { if (st.sel) labelForm(st.sel); });
      var delB = el("button", { type: "button", "data-sw-action": "delete-box" }, T.del);
      delB.addEventListener("click", function () { if (st.sel) removeBox(st.sel); });
      var altB = el("button", { type: "button", "data-sw-action": "alt" }, T.alt);
      altB.addEventListener("click", function () {
        var host = li.querySelector(".sw-alt");
        if (!host) {
          host = el("p", { class: "sw-alt sw-ui" }, textOf(s.alt, lang()) || "—");
          tools.after(host);
          editable(host, "steps[" + n + "].alt", s.alt, lang());
        }
        openText(host, "steps[" + n + "].alt", textOf(s.alt, lang()), lang());
      });
      [labelB, delB, altB].forEach(function (b) { tools.appendChild(b); });
      frame.parentNode.insertBefore(tools, frame.nextSibling);
      // A box selected before the reload this save caused is selected again.
      var was = null;
      try { was = JSON.parse(sessionStorage.getItem(SELECTED) || "null"); } catch (e) { was = null; }
      if (was && was.id === doc.id && was.step === n && st[was.kind] && st[was.kind][was.i]) {
        select({ kind: was.kind, i: was.i }, false);
        var b = boxEl(st.sel);
        if (b) b.focus({ preventScroll: true });
      }
    }

    // --------------------------------------------------------------- screenshots
    function upload(n, file) {
      if (!file || !/^image\//.test(file.type)) return;
      var reader = new FileReader();
      reader.onload = function () {
        var request = { step: n, data: reader.result };
        var stepDoc = doc.steps[n - 1];
        // On a translation's page, a step that has a screenshot gets one of that language.
        if (lang() !== source() && stepDoc && stepDoc.image) request.lang = lang();
        save(request);
      };
      reader.readAsDataURL(file);
    }
    function imageOf(list) {
      for (var i = 0; list && i < list.length; i++) {
        var f = list[i].getAsFile ? (list[i].kind === "file" ? list[i].getAsFile() : null) : list[i];
        if (f && /^image\//.test(f.type)) return f;
      }
      return null;
    }
    function stepInView() {
      var best = null, mid = innerHeight / 2, dist = Infinity;
      document.querySelectorAll("li.step[id^='step-']").forEach(function (li) {
        var r = li.getBoundingClientRect(), d = Math.abs((r.top + r.bottom) / 2 - mid);
        if (d < dist) { dist = d; best = +li.id.slice(5); }
      });
      return best;
    }
    document.addEventListener("paste", function (e) {
      if (!isOn() || !doc || page.view !== "tutorial") return;
      var file = imageOf(e.clipboardData && e.clipboardData.files) || imageOf(e.clipboardData && e.clipboardData.items);
      if (!file) return;
      var li = e.target.closest && e.target.closest("li.step");
      var n = li ? +li.id.slice(5) : (current || stepInView());
      if (!n) return;
      e.preventDefault();
      upload(n, file);
    });

    // --------------------------------------------------------------- steps
    function stepTools(li, n, count) {
      var tools = el("div", { class: "sw-step-tools sw-ui", role: "toolbar", "aria-label": T.edit + " " + n });
      function button(action, label, on) {
        var b = el("button", { type: "button", "data-sw-action": action }, label);
        b.addEventListener("click", on);
        tools.appendChild(b);
        return b;
      }
      if (n > 1) button("up", T.up, function () { save({ op: "move_step", step: n, to: n - 1 }); });
      if (n < count) button("down", T.down, function () { save({ op: "move_step", step: n, to: n + 1 }); });
      button("add", T.add, function () { addForm(li, n); });
      var del = button("delete-step", T.delStep, function () {
        if (del.getAttribute("data-armed")) { save({ op: "delete_step", step: n }); return; }
        del.setAttribute("data-armed", "1");
        del.textContent = T.really;
        setTimeout(function () { del.removeAttribute("data-armed"); del.textContent = T.delStep; }, 4000);
      });
      var file = el("input", { type: "file", accept: "image/png,image/jpeg,image/webp", hidden: "" });
      file.addEventListener("change", function () { upload(n, file.files[0]); });
      button("screenshot", T.shot, function () { file.click(); });
      tools.appendChild(file);
      li.appendChild(tools);
      li.addEventListener("pointerdown", function () { current = n; });
      li.addEventListener("focusin", function () { current = n; });
      li.addEventListener("dragover", function (e) { e.preventDefault(); li.classList.add("sw-drop"); });
      li.addEventListener("dragleave", function () { li.classList.remove("sw-drop"); });
      li.addEventListener("drop", function (e) {
        e.preventDefault();
        li.classList.remove("sw-drop");
        upload(n, imageOf(e.dataTransfer && e.dataTransfer.files));
      });
    }
    function addForm(li, n) {
      if (li.querySelector(".sw-add-form")) return;
      var form = el("form", { class: "sw-add-form sw-ui" });
      var inputs = {};
      doc.languages.forEach(function (code) {
        var label = el("label", {}, code + " ");
        var input = el("textarea", { rows: "1", lang: code, name: "text-" + code });
        inputs[code] = input;
        label.appendChild(input);
        form.appendChild(label);
      });
      form.appendChild(el("button", { type: "submit" }, T.save));
      var no = el("button", { type: "button" }, T.cancel);
      form.appendChild(no);
      var close = function () { form.remove(); };
      no.addEventListener("click", close);
      var submit = function () {
        var text = {};
        doc.languages.forEach(function (code) { if (inputs[code].value.trim()) text[code] = inputs[code].value.trim(); });
        save({ op: "add_step", after: n, text: text });
      };
      form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
      form.addEventListener("keydown", function (e) {
        if (e.key === "Escape") { e.preventDefault(); close(); }
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
      });
      li.appendChild(form);
      (inputs[lang()] || inputs[source()]).focus();
    }

    // --------------------------------------------------------------- the two views
    function fieldText(field) {
      var m;
      if (field === "title") return doc.title;
      if (field === "summary") return doc.summary;
      if ((m = /^steps\[(\d+)\]\.(text|alt)$/.exec(field))) return doc.steps[m[1] - 1] && doc.steps[m[1] - 1][m[2]];
      if ((m = /^notes\[(\d+)\]\.text$/.exec(field))) return doc.notes[m[1] - 1] && doc.notes[m[1] - 1].text;
      return null;
    }
    function decorate() {
      document.querySelectorAll(".sw-ui").forEach(function (x) { if (x !== bar && x.id !== "sw-edit-error") x.remove(); });
      document.querySelectorAll(".sw-layer").forEach(function (x) { x.remove(); });
      document.querySelectorAll("[data-sw-field]").forEach(function (x) {
        // A fresh node drops the old listeners.
        var copy = x.cloneNode(true);
        copy.removeAttribute("data-sw-field");
        copy.hidden = false;
        x.replaceWith(copy);
      });
      document.body.appendChild(bar);
      if (page.view === "side-by-side") compareView(); else tutorialView();
      document.documentElement.setAttribute("data-sw-editor", "ready");
    }
    function tutorialView() {
      var code = lang();
      editable(document.getElementById("tutorial-title"), "title", doc.title, code);
      if (doc.summary) editable(document.querySelector(".tutorial-header .lead"), "summary", doc.summary, code);
      var lis = document.querySelectorAll("li.step[id^='step-']");
      lis.forEach(function (li) {
        var n = +li.id.slice(5), s = doc.steps[n - 1];
        if (!s) return;
        editable(li.querySelector(".step-text p"), "steps[" + n + "].text", s.text, code);
        if (s.image) shot(li, n, s);
        stepTools(li, n, doc.steps.length);
      });
      document.querySelectorAll(".notes-section .note p").forEach(function (p, i) {
        var note = doc.notes[i];
        if (note) editable(p, "notes[" + (i + 1) + "].text", note.text, code);
      });
    }
    function compareView() {
      var code = lang(), states = {};
      doc.translations.forEach(function (t) { if (t.lang === code) states[t.field] = t.state; });
      document.querySelectorAll("li.compare-row").forEach(function (row) {
        var a = row.id, m, field = null;
        if (a === "title" || a === "summary") field = a;
        else if ((m = /^step-(\d+)$/.exec(a))) field = "steps[" + m[1] + "].text";
        else if ((m = /^step-(\d+)-alt$/.exec(a))) field = "steps[" + m[1] + "].alt";
        else if ((m = /^note-(\d+)$/.exec(a))) field = "notes[" + m[1] + "].text";
        var text = field && fieldText(field);
        if (!text) return;
        editable(row.querySelector(".compare-target p"), field, text, code);
        if (states[field] === "outdated") {
          var b = el("button", { type: "button", class: "sw-ui sw-confirm", "data-sw-action": "confirm" }, T.confirm);
          b.addEventListener("click", function () { save({ op: "confirm", field: field, lang: code }); });
          row.querySelector(".compare-heading").appendChild(b);
        }
      });
    }

    if (isOn()) start();
  }

  ui();
})();

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
// JSON: `error`, `message`, and for `stale` the file's current `hash`).
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
  // The editor UI (issue 14: the Edit switch, boxes, texts, translations, pasted
  // screenshots, steps) is built below this line, on window.stepwiseEditor only.
  // ---------------------------------------------------------------------------------
})();

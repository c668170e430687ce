// Cascading region selector (市 → 县 → 镇 → 村) with search by name or pinyin. No inline script (CSP).
(function () {
  "use strict";
  var ORDER = ["city", "county", "town", "village"];

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); });
  }

  function setupPicker(box) {
    var target = document.getElementById(box.dataset.target);
    var wanted = ORDER.indexOf(box.dataset.level);
    var selects = [];

    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = box.dataset.searchPlaceholder;
    search.setAttribute("aria-label", box.dataset.searchPlaceholder);
    var results = document.createElement("ul");
    results.className = "region-results";
    results.hidden = true;
    box.appendChild(search);
    box.appendChild(results);

    function addLevel(parentCode, depth, parentLevel) {
      while (selects.length > depth) { box.removeChild(selects.pop()); }
      if (depth > wanted) { return Promise.resolve(); }
      var url = box.dataset.childrenUrl + (parentCode ? "?code=" + encodeURIComponent(parentCode) + "&level=" + parentLevel : "");
      return fetchJSON(url).then(function (data) {
        var sel = document.createElement("select");
        sel.setAttribute("aria-label", box.dataset.placeholder);
        var first = document.createElement("option");
        first.value = ""; first.textContent = box.dataset.placeholder;
        sel.appendChild(first);
        data.items.forEach(function (it) {
          var o = document.createElement("option");
          o.value = it.code; o.textContent = it.name; o.dataset.level = it.level;
          sel.appendChild(o);
        });
        sel.addEventListener("change", function () {
          var level = sel.selectedOptions[0] && sel.selectedOptions[0].dataset.level;
          target.value = level === box.dataset.level ? sel.value : "";
          if (sel.value && ORDER.indexOf(level) < wanted) { addLevel(sel.value, depth + 1, level); }
          else { addLevel(null, depth + 1); }
        });
        box.appendChild(sel);
        selects.push(sel);
      });
    }

    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = search.value.trim();
        results.innerHTML = "";
        if (!q) { results.hidden = true; return; }
        fetchJSON(box.dataset.searchUrl + "?level=" + box.dataset.level + "&q=" + encodeURIComponent(q))
          .then(function (data) {
            results.innerHTML = "";
            data.items.forEach(function (it) {
              var li = document.createElement("li");
              var b = document.createElement("button");
              b.type = "button";
              b.textContent = it.path;
              b.addEventListener("click", function () {
                target.value = it.code;
                search.value = it.path;
                results.hidden = true;
              });
              li.appendChild(b);
              results.appendChild(li);
            });
            results.hidden = data.items.length === 0;
          });
      }, 250);
    });

    addLevel(null, 0);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".region-picker").forEach(setupPicker);
  });
})();

// Trade picker for a vacancy's required trades: each row is (hidden trade code + typed name with suggestions +
// level). Typing 电焊 suggests 焊工 from /trades/search; choosing one fills the hidden code. Without this script
// the typed name is normalised by the server, so the form works either way. No inline script (CSP).
(function () {
  "use strict";
  var ROW_NAME = /trades-\d+-/;

  function setupRow(box, row) {
    var input = row.querySelector(".trade-input");
    var code = row.querySelector(".trade-code");
    var list = row.querySelector(".trade-suggestions");
    if (!input || !code || !list || row.dataset.pickerReady) { return; }
    row.dataset.pickerReady = "1";
    var timer = null;
    var asked = 0;
    list.id = input.id + "-suggestions";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function hide() {
      list.hidden = true;
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
    }

    function choose(item) {
      code.value = item.code;
      input.value = item.name;
      hide();
      var level = row.querySelector("select");
      if (level) { level.focus(); }
    }

    function show(items) {
      list.innerHTML = "";
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "empty";
        none.textContent = box.dataset.emptyLabel;
        list.appendChild(none);
      }
      items.forEach(function (item) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = item.name;
        var small = document.createElement("small");
        small.textContent = item.code;
        b.appendChild(small);
        b.addEventListener("click", function () { choose(item); });
        b.addEventListener("keydown", function (e) {
          var target = null;
          if (e.key === "ArrowDown") { target = li.nextElementSibling; }
          if (e.key === "ArrowUp") { target = li.previousElementSibling; }
          if (e.key === "Escape") { hide(); input.focus(); e.preventDefault(); return; }
          if (target) { target.querySelector("button").focus(); e.preventDefault(); }
          else if (e.key === "ArrowUp") { input.focus(); e.preventDefault(); }
        });
        li.appendChild(b);
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function lookup() {
      var q = input.value.trim();
      var mine = ++asked;
      if (!q) { hide(); return; }
      fetch(box.dataset.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (mine === asked) { show(data.items || []); } })
        .catch(hide);
    }

    input.addEventListener("input", function () {
      code.value = "";  // what is typed now decides, until a suggestion is chosen again
      clearTimeout(timer);
      timer = setTimeout(lookup, 200);
    });
    input.addEventListener("keydown", function (e) {
      var first = list.querySelector("button");
      if (e.key === "ArrowDown" && first) { first.focus(); e.preventDefault(); }
      if (e.key === "Escape") { hide(); }
      if (e.key === "Enter" && !list.hidden && first) { first.click(); e.preventDefault(); }
    });
    row.addEventListener("focusout", function () {
      setTimeout(function () { if (!row.contains(document.activeElement)) { hide(); } }, 150);
    });

    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button small trade-remove";
    remove.textContent = box.dataset.removeLabel;
    remove.addEventListener("click", function () {
      if (box.querySelectorAll(".trade-row").length > 1) {
        row.parentNode.removeChild(row);
        refresh(box);
      } else {
        input.value = ""; code.value = ""; hide(); input.focus();
      }
    });
    row.appendChild(remove);
  }

  function nextIndex(box) {
    var max = -1;
    box.querySelectorAll(".trade-row [name]").forEach(function (el) {
      var m = /trades-(\d+)-/.exec(el.name);
      if (m) { max = Math.max(max, parseInt(m[1], 10)); }
    });
    return max + 1;
  }

  function refresh(box) {
    var add = box.querySelector(".trade-add");
    if (add) { add.disabled = box.querySelectorAll(".trade-row").length >= parseInt(box.dataset.max || "10", 10); }
  }

  function addRow(box) {
    var rows = box.querySelectorAll(".trade-row");
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    var prefix = "trades-" + nextIndex(box) + "-";
    delete row.dataset.pickerReady;
    row.querySelectorAll(".trade-remove").forEach(function (b) { b.parentNode.removeChild(b); });
    row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) { el.setAttribute(attr, v.replace(ROW_NAME, prefix)); }
      });
    });
    row.querySelectorAll("input").forEach(function (el) { el.value = ""; });
    row.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
    var list = row.querySelector(".trade-suggestions");
    list.innerHTML = ""; list.hidden = true;
    last.parentNode.insertBefore(row, last.nextSibling);
    setupRow(box, row);
    refresh(box);
    row.querySelector(".trade-input").focus();
  }

  function setup(box) {
    box.querySelectorAll(".trade-row").forEach(function (row) { setupRow(box, row); });
    if (box.dataset.max === "1") { return; }  // a single trade (a filter, one skill): no "add another"
    var add = document.createElement("button");
    add.type = "button";
    add.className = "button small trade-add";
    add.textContent = box.dataset.addLabel;
    add.addEventListener("click", function () { addRow(box); });
    var rows = box.querySelectorAll(".trade-row");
    var last = rows[rows.length - 1];
    last.parentNode.insertBefore(add, last.nextSibling);
    refresh(box);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".trade-rows").forEach(setup);
  });
})();

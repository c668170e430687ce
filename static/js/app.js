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

/*
 * Grant Panel: progressive enhancement only. Every page works without this
 * file. No libraries, no inline scripts (strict CSP), plain ES2017.
 * Each behaviour is switched on by a data attribute and does nothing when
 * its markup is missing.
 *
 *   [data-module="error-summary"]      focus the error summary on load; its
 *                                      links move focus to the field
 *   form[data-warn-unsaved]            warn before leaving with unsaved changes
 *   [data-module="weights"]            live "Total: N of 100" for
 *                                      input[data-weight] into [data-weights-total]
 *                                      (target from data-weights-target, default 100)
 *   table[data-sortable]               th[data-sort] headers become sort buttons
 *                                      (numeric from data-value or numeric text)
 *   [data-module="character-count"]    "You have N characters remaining"
 *                                      (maxlength or data-maxlength)
 *   [data-confirm]                     confirm() before a button/link/form submits
 *   a[role="button"]                   space bar activates link buttons
 *   [data-prevent-double-click]        ignore a second click within 1 second
 *   table.table                        cells without data-label get their column's
 *                                      heading (rows are labelled cards on a phone)
 *   form[data-submit-once]             long work (an import): once sent, the form is not
 *                                      sent again until the answer arrives; its buttons
 *                                      say so (aria-disabled) and [data-submit-once-status]
 *                                      shows the attribute's text
 */
(function () {
  "use strict";

  var docEl = document.documentElement;
  docEl.classList.add("js-enabled");

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function safely(name, fn) {
    try {
      fn();
    } catch (err) {
      if (window.console && console.error) console.error("panel.js " + name + ":", err);
    }
  }

  /* (a) Error summary ---------------------------------------------------- */
  function initErrorSummary() {
    var summary = document.querySelector('[data-module="error-summary"]');
    if (!summary) return;
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link) return;
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      var input = id && document.getElementById(id);
      if (!input || typeof input.focus !== "function") return;
      event.preventDefault();
      // Scroll the question (legend or label) into view, not just the input.
      var fieldset = input.closest("fieldset");
      var legend = fieldset && fieldset.querySelector("legend");
      var label = document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
      var anchor = legend || label || input;
      anchor.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  /* (b) Unsaved changes warning ------------------------------------------ */
  function serialize(form) {
    var parts = [];
    new FormData(form).forEach(function (value, key) {
      if (key === "csrf_token") return;
      if (typeof value !== "string") value = value.name + ":" + value.size;
      parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
    });
    return parts.join("&");
  }

  function initUnsaved() {
    var forms = all("form[data-warn-unsaved]");
    if (!forms.length) return;
    var state = forms.map(function (form) {
      return { form: form, initial: serialize(form), dirty: false };
    });
    state.forEach(function (s) {
      var update = function () {
        s.dirty = serialize(s.form) !== s.initial;
      };
      s.form.addEventListener("input", update);
      s.form.addEventListener("change", update);
      s.form.addEventListener("submit", function (event) {
        if (!event.defaultPrevented) s.dirty = false;
      });
    });
    window.addEventListener("beforeunload", function (event) {
      var dirty = state.some(function (s) {
        return s.dirty;
      });
      if (!dirty) return undefined;
      event.preventDefault();
      event.returnValue = ""; // needed by older browsers
      return "";
    });
  }

  /* (c) Live weights total ----------------------------------------------- */
  function initWeights() {
    all('[data-module="weights"]').forEach(function (module) {
      var output = module.querySelector("[data-weights-total]");
      var inputs = all("input[data-weight]", module);
      if (!output || !inputs.length) return;
      var target = Number(module.getAttribute("data-weights-target")) || 100;
      if (!output.hasAttribute("aria-live")) output.setAttribute("aria-live", "polite");
      output.setAttribute("aria-atomic", "true");
      output.classList.add("weights-total");

      function update() {
        var total = inputs.reduce(function (sum, input) {
          var n = parseFloat(String(input.value).replace(",", "."));
          return sum + (isFinite(n) ? n : 0);
        }, 0);
        total = Math.round(total * 100) / 100;
        output.textContent = "Total: " + total + " of " + target;
        var ok = total === target;
        output.classList.toggle("weights-total--ok", ok);
        output.classList.toggle("weights-total--bad", !ok);
      }
      module.addEventListener("input", update);
      module.addEventListener("change", update);
      update();
    });
  }

  /* (d) Sortable tables -------------------------------------------------- */
  function cellIndex(th) {
    // Column position, allowing for colspans earlier in the row.
    var index = 0;
    var cell = th.previousElementSibling;
    while (cell) {
      index += cell.colSpan || 1;
      cell = cell.previousElementSibling;
    }
    return index;
  }

  function cellAt(row, index) {
    var pos = 0;
    for (var i = 0; i < row.cells.length; i++) {
      if (pos === index) return row.cells[i];
      pos += row.cells[i].colSpan || 1;
      if (pos > index) return null;
    }
    return null;
  }

  // A number from data-value, else from the text when it is one ("3.25", "45%",
  // "12 of 30", "£1,250"); "–" and words sort as text, after the numbers.
  var NUMBER_TEXT = /^[£-]?\d[\d,]*(\.\d+)?(%| of \d+)?$/;

  function sortValue(cell) {
    if (!cell) return { num: NaN, text: "" };
    var raw = cell.getAttribute("data-value");
    var text = (raw === null ? cell.textContent : raw).trim();
    var num = NaN;
    if (raw !== null) num = parseFloat(raw);
    else if (NUMBER_TEXT.test(text)) num = parseFloat(text.replace(/[£,]/g, ""));
    return { num: num, text: text };
  }

  function initSortable() {
    all("table[data-sortable]").forEach(function (table) {
      var headers = all("thead th[data-sort], tr:first-child > th[data-sort]", table);
      if (!headers.length || !table.tBodies.length) return;
      var status = document.createElement("div");
      status.className = "visually-hidden";
      status.setAttribute("aria-live", "polite");
      table.parentNode.insertBefore(status, table.nextSibling);

      headers.forEach(function (th) {
        if (th.querySelector(".table__sort-button")) return;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "table__sort-button";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");

        button.addEventListener("click", function () {
          var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
          var index = cellIndex(th);
          var tbody = table.tBodies[0];
          var rows = Array.prototype.slice.call(tbody.rows);
          var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
          rows.sort(function (a, b) {
            var va = sortValue(cellAt(a, index));
            var vb = sortValue(cellAt(b, index));
            var result;
            if (!isNaN(va.num) && !isNaN(vb.num)) result = va.num - vb.num;
            else if (!isNaN(va.num)) result = -1; // numbers before blanks
            else if (!isNaN(vb.num)) result = 1;
            else result = collator.compare(va.text, vb.text);
            return direction === "ascending" ? result : -result;
          });
          rows.forEach(function (row) {
            tbody.appendChild(row);
          });
          headers.forEach(function (other) {
            other.setAttribute("aria-sort", other === th ? direction : "none");
          });
          status.textContent = "Sorted by " + button.textContent.trim() + ", " + direction;
        });
      });
    });
  }

  /* (e) Character count -------------------------------------------------- */
  function initCharacterCount() {
    all('[data-module="character-count"]').forEach(function (module, n) {
      var field = module.matches("textarea, input") ? module : module.querySelector("textarea, input");
      if (!field) return;
      var max = parseInt(
        field.getAttribute("data-maxlength") ||
          module.getAttribute("data-maxlength") ||
          field.getAttribute("maxlength"),
        10
      );
      if (!(max > 0)) return;
      if (!field.id) field.id = "character-count-" + n;

      // Visible message (updates at once) and a screen reader message that
      // updates when typing pauses, so it is not read out on every key.
      var visible = document.getElementById(field.id + "-info");
      if (!visible) {
        visible = document.createElement("div");
        visible.id = field.id + "-info";
        visible.className = "hint character-count__message";
        field.insertAdjacentElement("afterend", visible);
        var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        described.push(visible.id);
        field.setAttribute("aria-describedby", described.join(" "));
      }
      var live = document.createElement("div");
      live.className = "visually-hidden character-count__status";
      live.setAttribute("aria-live", "polite");
      visible.insertAdjacentElement("afterend", live);

      function message() {
        var left = max - field.value.length;
        if (left >= 0) return "You have " + left + (left === 1 ? " character" : " characters") + " remaining";
        return "You have " + -left + (left === -1 ? " character" : " characters") + " too many";
      }
      var timer = null;
      function update(announce) {
        var text = message();
        var over = field.value.length > max;
        visible.textContent = text;
        visible.classList.toggle("character-count__message--error", over);
        field.classList.toggle(field.tagName === "TEXTAREA" ? "textarea--error" : "input--error", over);
        if (announce) {
          clearTimeout(timer);
          timer = setTimeout(function () {
            live.textContent = message();
          }, 750);
        }
      }
      field.addEventListener("input", function () {
        update(true);
      });
      update(false);
    });
  }

  /* (f) Confirm before submitting ---------------------------------------- */
  function initConfirm() {
    // Capture phase so a cancelled confirm stops other submit handlers too.
    document.addEventListener(
      "click",
      function (event) {
        var el = event.target.closest && event.target.closest("button[data-confirm], input[data-confirm], a[data-confirm]");
        if (!el || el.disabled) return;
        if (!window.confirm(el.getAttribute("data-confirm") || "Are you sure?")) {
          event.preventDefault();
          event.stopImmediatePropagation();
        } else if (el.form && el.form.hasAttribute("data-confirm")) {
          el.form.setAttribute("data-confirmed", "");
        }
      },
      true
    );
    document.addEventListener(
      "submit",
      function (event) {
        var form = event.target;
        if (!form.matches || !form.matches("form[data-confirm]")) return;
        if (form.hasAttribute("data-confirmed")) {
          form.removeAttribute("data-confirmed");
          return;
        }
        if (!window.confirm(form.getAttribute("data-confirm") || "Are you sure?")) {
          event.preventDefault();
          event.stopImmediatePropagation();
        }
      },
      true
    );
  }

  /* Link buttons: space activates them like real buttons -------------- */
  function initLinkButtons() {
    document.addEventListener("keydown", function (event) {
      var el = event.target;
      if ((event.key === " " || event.key === "Spacebar") && el.matches && el.matches('a[role="button"]')) {
        event.preventDefault();
        el.click();
      }
    });
  }

  /* Ignore accidental double clicks on submit buttons ------------------ */
  function initDoubleClick() {
    document.addEventListener("click", function (event) {
      var el = event.target.closest && event.target.closest("[data-prevent-double-click]");
      if (!el) return;
      if (el.getAttribute("data-clicked")) {
        event.preventDefault();
        return;
      }
      el.setAttribute("data-clicked", "true");
      setTimeout(function () {
        el.removeAttribute("data-clicked");
      }, 1000);
    });
  }

  /* Submit once: long work is sent once, however often the button is pressed -- */
  function initSubmitOnce() {
    function buttons(form) {
      return all('button:not([type]), button[type="submit"], input[type="submit"]', form);
    }
    function reset(form) {
      form.removeAttribute("data-submitting");
      buttons(form).forEach(function (button) {
        button.removeAttribute("aria-disabled");
      });
      var status = form.querySelector("[data-submit-once-status]");
      if (status) status.textContent = "";
    }
    // Bubbling phase: a submit that [data-confirm] cancelled never gets here.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-submit-once]")) return;
      if (form.hasAttribute("data-submitting")) {
        event.preventDefault(); // already sent: the server is working on it
        return;
      }
      if (event.defaultPrevented) return;
      form.setAttribute("data-submitting", "");
      buttons(form).forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
      });
      var status = form.querySelector("[data-submit-once-status]");
      if (status) status.textContent = form.getAttribute("data-submit-once") || "";
    });
    // Back to a page kept in the browser's memory: the form can be sent again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) all("form[data-submitting]").forEach(reset);
    });
  }

  /* (j) Table cells say their column -------------------------------------- */
  // On a phone each table row is a card (panel.css): a cell without data-label gets its
  // column's heading, so the card still says what each value is.
  function initTableLabels() {
    all("table.table").forEach(function (table) {
      var heads = all("thead th", table).map(function (th) {
        return th.textContent.replace(/\s+/g, " ").trim();
      });
      if (!heads.length) return;
      all("tbody tr, tfoot tr", table).forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          var label = heads[column];
          if (label && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", label);
          column += cell.colSpan || 1;
        });
      });
    });
  }

  // Wide screens show the whole application beside the questions: open its sections.
  function initOpenWide() {
    if (!window.matchMedia || !window.matchMedia("(min-width: 1024px)").matches) return;
    all("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  function init() {
    safely("table labels", initTableLabels);
    safely("submit once", initSubmitOnce);
    safely("confirm", initConfirm);
    safely("link buttons", initLinkButtons);
    safely("double click", initDoubleClick);
    safely("weights", initWeights);
    safely("sortable", initSortable);
    safely("character count", initCharacterCount);
    safely("unsaved", initUnsaved);
    safely("error summary", initErrorSummary);
    safely("open wide", initOpenWide);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

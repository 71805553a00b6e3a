// Form engine, progressive enhancement only: the server decides what is shown (every form works
// without JavaScript). Simple rules of a definition (field == 'x', field != 'x', 'x' in field,
// field, not field) are written as data-show-when/-op/-value; this mirrors them while typing.
(() => {
  "use strict";
  const forms = document.querySelectorAll("[data-lotse-form]");
  if (!forms.length) return;

  function values(form, name) {
    const found = [];
    form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((el) => {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.closest("[hidden]")) return; // a hidden field counts as unanswered, as on the server
      found.push(el.value);
    });
    return found;
  }

  function shown(form, el) {
    const name = el.dataset.showWhen;
    const op = el.dataset.showOp;
    const value = el.dataset.showValue;
    const given = values(form, name).filter((v) => v !== "");
    if (op === "eq") return given.includes(value);
    if (op === "ne") return !given.includes(value);
    if (op === "in") return given.includes(value);
    if (op === "true") return given.length > 0 && !given.includes("0");
    if (op === "false") return given.length === 0 || given.includes("0");
    return !el.hidden;
  }

  function update(form) {
    // Twice: a field may control another one further down that controls a third.
    for (let round = 0; round < 2; round += 1) {
      form.querySelectorAll("[data-show-when]:not([data-show-when=''])").forEach((el) => {
        el.hidden = !shown(form, el);
      });
    }
  }

  forms.forEach((form) => {
    const owner = form.closest("form") || form;
    // The free text of "other" is drawn for people without JavaScript; here it waits until
    // "other" is chosen (unless it holds text or an error already).
    form.querySelectorAll("[data-show-keep]").forEach((el) => {
      const input = el.querySelector("input");
      if ((input && input.value) || el.querySelector(".field__error")) el.dataset.showWhen = "";
    });
    update(form);
    owner.addEventListener("change", () => update(form));
    owner.addEventListener("input", () => update(form));
  });
})();

// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error summary or error message so screen-reader users hear it at once.
  const target = document.querySelector("[data-autofocus]");
  if (target) target.focus();
  // A form to fill in (data-focus-first) starts at its first field.
  else {
    const first = document.querySelector(
      "[data-focus-first] :is(input, select, textarea):not([type=hidden]):not([disabled])"
    );
    if (first) first.focus();
  }
});

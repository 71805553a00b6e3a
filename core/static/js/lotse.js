// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error summary or error message so screen-reader users hear it at once.
  const target = document.querySelector("[data-autofocus]");
  if (target) target.focus();
});

// Touch screens have no hover: the first tap on a mention opens its card, a second tap follows
// the link, a tap elsewhere closes it. Escape dismisses an open card (WCAG 1.4.13).
"use strict";
(() => {
  const closeAll = (except) => {
    for (const open of document.querySelectorAll(".mention.is-open")) {
      if (open !== except) open.classList.remove("is-open");
    }
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".mention > a");
    if (link && window.matchMedia("(hover: none)").matches) {
      const mention = link.parentElement;
      if (!mention.classList.contains("is-open")) {
        event.preventDefault();
        closeAll(mention);
        mention.classList.remove("is-dismissed");
        mention.classList.add("is-open");
        return;
      }
    }
    if (!event.target.closest(".mention")) closeAll(null);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    closeAll(null);
    for (const mention of document.querySelectorAll(".mention:hover, .mention:focus-within")) {
      mention.classList.add("is-dismissed");
    }
  });
  const undismiss = (event) => {
    const mention = event.target.closest && event.target.closest(".mention");
    if (mention) mention.classList.remove("is-dismissed");
  };
  document.addEventListener("mouseout", undismiss);
  document.addEventListener("focusout", undismiss);
})();

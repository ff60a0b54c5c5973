// Cite buttons (cite.py): the panel's script, stylesheet and the page's references are loaded
// from the site when a reader first opens the panel, so a page carries only this loader.
"use strict";
(() => {
  const base = document.currentScript.src.replace(/[^/]*$/, "");
  let loading = null;
  const load = () => {
    loading ??= new Promise((resolve, reject) => {
      const style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = `${base}cite-panel.css`;
      document.head.append(style);
      const script = document.createElement("script");
      script.src = `${base}cite-panel.js`;
      script.addEventListener("load", () => resolve(window.editionCitePanel));
      script.addEventListener("error", reject);
      document.head.append(script);
    });
    return loading;
  };
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.cite-button");
    if (!button) return;
    event.preventDefault();
    load().then((panel) => panel.open(button));
  });
  // Mark the paragraph an address points at (#p4, an empty anchor at its start), as Furo marks targets.
  const markTarget = () => {
    for (const marked of document.querySelectorAll("p.is-target")) marked.classList.remove("is-target");
    const anchor = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (anchor?.matches("span.target") && anchor.parentElement?.matches("p")) {
      anchor.parentElement.classList.add("is-target");
    }
  };
  markTarget();
  window.addEventListener("hashchange", markTarget);
})();

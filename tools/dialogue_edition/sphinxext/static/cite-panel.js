// The cite panel (cite.py), loaded by cite.js when a reader first opens it: a modal dialog with
// the reference of the page or of one paragraph in Chicago, APA and MLA (formatted at build time)
// and as BibTeX, RIS and CSL-JSON to copy or download. Data come from the page's cite/*.json.
"use strict";
(() => {
  const FILES = [
    { key: "bibtex", label: "BibTeX", suffix: "bib", type: "application/x-bibtex" },
    { key: "ris", label: "RIS", suffix: "ris", type: "application/x-research-info-systems" },
    { key: "csl-json", label: "CSL-JSON", suffix: "json", type: "application/vnd.citationstyles.csl+json" },
  ];
  const dataSource = document.querySelector("[data-cite-data]");
  let data = null;
  let dialog = null;
  let opener = null;

  const element = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  };
  const fill = (text, number, anchor) =>
    text.split(data.placeholders.number).join(number).split(data.placeholders.anchor).join(anchor);
  const referencesFor = (button) => {
    const number = button.dataset.number;
    if (!number) return { what: "this page", refs: data.page, name: data.filename };
    const refs = {};
    for (const [key, value] of Object.entries(data.paragraph)) {
      refs[key] = typeof value === "string"
        ? fill(value, number, button.dataset.anchor)
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, number, button.dataset.anchor)]));
    }
    return { what: `paragraph ${number}`, refs, name: `${data.filename}-paragraph-${number}` };
  };

  const status = () => dialog.querySelector(".cite-status");
  const copyButton = (text, label) => {
    const button = element("button", { type: "button", class: "cite-copy" }, "Copy", element("span", { class: "cite-label" }, ` ${label}`));
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text);
        status().textContent = `${label} copied.`;
      } catch {
        status().textContent = "Copying is not allowed here: select the text and copy it.";
      }
    });
    return button;
  };

  const build = (button) => {
    const { what, refs, name } = referencesFor(button);
    const body = element("div", { class: "cite-body" });
    body.append(data.original
      ? element("p", { class: "cite-about" }, `The reference of ${what}, with the original page: `,
        element("a", { href: data.original, rel: "noopener noreferrer" }, "the report on the publisher's site"), ".")
      : element("p", { class: "cite-about" }, "The reference of this page of the edition. ",
        element("span", { class: "cite-editorial" }, "Editorial:"), " the page is the editors' own, not part of a report."));
    for (const { key, label } of data.styles) {
      const section = element("section", { class: "cite-style" }, element("h3", {}, label));
      for (const [part, heading] of [["bibliography", "Bibliography"], ["citation", key === "chicago" ? "Note" : "In the text"]]) {
        section.append(element("p", { class: "cite-part" }, heading, " ", copyButton(refs[key][part], `${label} ${heading.toLowerCase()}`)),
          element("p", { class: "cite-text" }, refs[key][part]));
      }
      body.append(section);
    }
    const files = element("section", { class: "cite-files" }, element("h3", {}, "For reference managers"));
    for (const { key, label, suffix, type } of FILES) {
      const text = refs[key];
      const download = element("a", { href: URL.createObjectURL(new Blob([text], { type })), download: `${name}.${suffix}` },
        "Download", element("span", { class: "cite-label" }, ` ${label}`));
      files.append(element("p", { class: "cite-part" }, label, " ", copyButton(text, label), " ", download),
        element("pre", { class: "cite-code", tabindex: "0", "aria-label": label }, text));
    }
    body.append(files);
    return { what, body };
  };

  const open = async (button) => {
    if (!data) {
      const response = await fetch(dataSource.dataset.citeData);
      data = await response.json();
    }
    if (!dialog) {
      dialog = element("dialog", { class: "cite-panel", "aria-labelledby": "cite-panel-title" });
      const close = element("button", { type: "button", class: "cite-close" }, "Close");
      close.addEventListener("click", () => dialog.close());
      dialog.addEventListener("close", () => opener?.focus());
      dialog.append(element("div", { class: "cite-head" }, element("h2", { id: "cite-panel-title" }), close),
        element("div", { class: "cite-content" }), element("p", { class: "cite-status", role: "status" }));
      document.body.append(dialog);
    }
    opener = button;
    const { what, body } = build(button);
    dialog.querySelector("#cite-panel-title").textContent = `Cite ${what}`;
    dialog.querySelector(".cite-content").replaceChildren(body);
    status().textContent = "";
    dialog.showModal();
    dialog.scrollTop = 0; // the dialog is reused: a reference opens at its top, not where the last was left
  };
  window.editionCitePanel = { open };
})();

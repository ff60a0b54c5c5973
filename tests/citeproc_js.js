// Formats CSL-JSON items with citeproc-js, the reference implementation of CSL, for the test
// that compares citeproc-py's references with it (tests/test_csl_substitution.py).
//
// Reads {"style": path, "locale": path, "cites": [{"item": CSL-JSON item, "locator": "3" or null}]}
// on stdin; writes [{"citation": ..., "bibliography": ...}] (plain text), one per cite: each cite
// is the only item of the bibliography, and a paragraph's locator is a CSL "paragraph" locator.
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const items = new Map(request.cites.map(({ item }, index) => [`cite-${index}`, { ...item, id: `cite-${index}` }]));
const locale = fs.readFileSync(request.locale, "utf8");
const engine = new CSL.Engine(
  { retrieveLocale: () => locale, retrieveItem: (id) => items.get(id) },
  fs.readFileSync(request.style, "utf8"),
  "en-US",
  true,
);
engine.setOutputFormat("text");
const results = request.cites.map(({ locator }, index) => {
  const id = `cite-${index}`;
  engine.updateItems([id]);
  const cite = locator ? { id, locator, label: "paragraph" } : { id };
  return {
    citation: engine.makeCitationCluster([cite]),
    bibliography: engine.makeBibliography()[1].join("").trim(),
  };
});
process.stdout.write(JSON.stringify(results));

// How to run: folder=$(mktemp -d) && npm install --prefix "$folder" citeproc@2.4.63, then
// PYTHONPATH=src python tests/exports/citeproc_js/generate.py "$folder" (it runs this file).
// Reads the job (JSON) on stdin: {items, locale, styles: {name: xml}, cases: [{item, locator}]};
// writes {name: {notes: [html], bibliography: [[id, html]]}} on stdout. Every note is made as
// a first citation (makeCitationCluster: no ibid, no short form), after every item has been
// registered, so disambiguation sees the whole bibliography as it does in one document.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(process.cwd() + "/");
const CSL = require("citeproc");

const job = JSON.parse(readFileSync(0, "utf8"));
const items = new Map(job.items.map((item) => [item.id, item]));
const out = {};
for (const [name, xml] of Object.entries(job.styles)) {
  const sys = {
    retrieveItem: (id) => items.get(id),
    retrieveLocale: () => job.locale,
  };
  const engine = new CSL.Engine(sys, xml, "en-US", true);
  engine.setOutputFormat("html");
  engine.updateItems([...items.keys()]);
  const notes = job.cases.map((c) => {
    const cite = { id: c.item };
    if (c.locator) {
      cite.label = c.locator[0];
      cite.locator = c.locator[1];
    }
    return engine.makeCitationCluster([cite]);
  });
  const [meta, entries] = engine.makeBibliography();
  // entry_ids names the items the style leaves out too (an empty entry is dropped): keep
  // those that make an entry alone, in the order of the whole
  const listed = meta.entry_ids.map((ids) => ids[0]).filter((id) => {
    const alone = new CSL.Engine(sys, xml, "en-US", true);
    alone.updateItems([id]);
    return alone.makeBibliography()[1].length > 0;
  });
  if (listed.length !== entries.length) throw new Error(`${name}: entries do not match items`);
  out[name] = {
    notes,
    bibliography: entries.map((entry, i) => [listed[i], entry.trim()]),
  };
}
process.stdout.write(JSON.stringify(out));

// Prints the text pdf.js extracts from a PDF, page by page (pages end with a form feed).
// Used by tests/it/fonts.rs; install with `npm install --prefix scripts/pdfjs`.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
const path = process.argv[2];
const fs = await import("node:fs");
const data = new Uint8Array(fs.readFileSync(path));
const doc = await getDocument({ data, verbosity: 0 }).promise;
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const tc = await page.getTextContent();
  let s = "";
  for (const it of tc.items) { if ("str" in it) { s += it.str; if (it.hasEOL) s += "\n"; } }
  process.stdout.write(s + "\n\f");
}

// Error and log text with the user's stack frames turned into links that open the source.
import type { Ui } from "../components";
import { splitFrames } from "./stack-frames";

export type OpenSource = (file: string, line: number, column: number | null) => void;

export function linkedText(ui: Ui, text: string, openSource: OpenSource): DocumentFragment {
  const fragment = ui.doc.createDocumentFragment();
  for (const segment of splitFrames(text)) {
    if (segment.kind === "text") {
      fragment.appendChild(ui.doc.createTextNode(segment.text));
      continue;
    }
    const { file, line, column } = segment;
    fragment.appendChild(
      ui.linkButton(segment.text, () => openSource(file, line, column), {
        className: "stack-frame",
        title: `Open ${file}:${line}`,
        attrs: { "data-file": file, "data-line": String(line) },
      }),
    );
  }
  return fragment;
}

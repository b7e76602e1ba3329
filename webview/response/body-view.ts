// The Body tab: JSON re-indented, text as is, images previewed, anything downloadable.
import type { Ui } from "../components";
import type { ResponseView } from "../protocol/response";
import { formatBytes, formatJson, imageDataUrl } from "./format";

export function bodyView(ui: Ui, response: ResponseView, download: () => void): HTMLElement {
  const { body } = response;
  const view = ui.element("div", { id: "body", className: "body-view", attrs: { "data-kind": body.kind } });
  if (body.kind === "empty") {
    view.appendChild(ui.element("p", { className: "muted", text: "The response has no body." }));
    return view;
  }

  const description = body.kind === "json" ? "JSON" : body.kind === "text" ? "Text" : body.contentType || "application/octet-stream";
  view.appendChild(
    ui.element("div", { className: "toolbar" }, [
      ui.element("span", { className: "muted", text: `${description} · ${formatBytes(response.sizeBytes)}` }),
      ui.button("Download", download, { id: "download", appearance: "secondary" }),
    ]),
  );

  switch (body.kind) {
    case "json":
      view.appendChild(ui.element("pre", { className: "body-text body-json", text: formatJson(body.text) ?? body.text }));
      break;
    case "text":
      view.appendChild(ui.element("pre", { className: "body-text", text: body.text }));
      break;
    case "image": {
      const url = imageDataUrl(body.contentType, body.base64);
      if (url) {
        const image = ui.element("img", { className: "body-image", attrs: { alt: `Response image (${body.contentType})` } });
        image.src = url;
        view.appendChild(image);
      } else {
        view.appendChild(ui.element("p", { className: "muted", text: "This image cannot be previewed; download it to open it." }));
      }
      break;
    }
    case "binary":
      view.appendChild(ui.element("p", { className: "muted", text: "Binary body: use Download to save it." }));
      break;
  }
  return view;
}

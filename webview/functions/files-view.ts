// The Files tab: stored files (`_storage` documents) newest first with id, size, content type and
// date; a preview (images from base64 bytes the host sends, text as text), download, delete.
import type { Ui } from "../components";
import type { FilePreviewView, FileView } from "../protocol";
import { formatBytes, imageDataUrl } from "../response/format";
import { formatDateTime } from "./format";

export interface FilesModel {
  files: FileView[] | null;
  cursor: string | null;
  loading: boolean;
  error: string | null;
  preview: { id: string; view: FilePreviewView | null; error: string | null } | null;
}

export interface FilesHandlers {
  refresh(): void;
  loadMore(): void;
  copyId(id: string): void;
  preview(file: FileView): void;
  download(file: FileView): void;
  remove(file: FileView): void;
}

export function emptyFilesModel(): FilesModel {
  return { files: null, cursor: null, loading: false, error: null, preview: null };
}

export function filesView(ui: Ui, model: FilesModel, available: boolean, handlers: FilesHandlers): HTMLElement {
  const view = ui.element("div", { id: "files", className: "split files-view" });
  if (!available) {
    view.appendChild(ui.element("p", { className: "muted unavailable", text: "Stored files show here while the runtime runs." }));
    return view;
  }
  const pane = ui.element("div", { className: "pane files-pane" }, [
    ui.element("div", { className: "toolbar" }, [
      ui.element("h3", { className: "pane-title", text: "Stored files" }),
      ui.button("Refresh", handlers.refresh, { id: "refresh-files", appearance: "secondary" }),
    ]),
  ]);
  if (model.error !== null) pane.appendChild(ui.element("div", { id: "files-error", className: "notice-error", attrs: { role: "alert" }, text: model.error }));
  if (model.files !== null && model.files.length === 0) pane.appendChild(ui.element("p", { className: "muted", text: "No stored files." }));
  const list = ui.element("ul", { id: "file-list", className: "rows" });
  for (const file of model.files ?? []) {
    const previewing = model.preview?.id === file.id;
    list.appendChild(
      ui.element("li", { className: `row file-row${previewing ? " selected" : ""}`, attrs: { "data-id": file.id } }, [
        ui.element("code", { className: "file-id", text: file.id }),
        ui.element("span", { className: "file-size", title: `${file.size} bytes`, text: formatBytes(file.size) }),
        ui.element("span", { className: "file-type muted", text: file.contentType ?? "no content type" }),
        ui.element("span", { className: "file-time muted", text: formatDateTime(file.creationTime) }),
        ui.element("span", { className: "file-actions" }, [
          ui.button("Copy id", () => handlers.copyId(file.id), { className: "copy-id", appearance: "secondary" }),
          ui.button("Preview", () => handlers.preview(file), { className: "preview-file", appearance: "secondary" }),
          ui.button("Download", () => handlers.download(file), { className: "download-file", appearance: "secondary" }),
          ui.button("Delete", () => handlers.remove(file), { className: "delete-file", appearance: "secondary" }),
        ]),
      ]),
    );
  }
  pane.appendChild(list);
  if (model.loading) pane.appendChild(ui.progressRing({ id: "files-loading", ariaLabel: "Loading files" }));
  else if (model.cursor !== null) pane.appendChild(ui.button("Load more files", handlers.loadMore, { id: "files-more", appearance: "secondary" }));
  view.append(pane, previewPane(ui, model.preview));
  return view;
}

function previewPane(ui: Ui, preview: FilesModel["preview"]): HTMLElement {
  const pane = ui.element("div", { id: "file-preview", className: "pane preview-pane" });
  if (preview === null) {
    pane.appendChild(ui.element("p", { className: "muted", text: "Preview a file to see it here." }));
    return pane;
  }
  pane.appendChild(ui.element("h3", { className: "pane-title mono", text: preview.id }));
  if (preview.error !== null) {
    pane.appendChild(ui.element("div", { className: "notice-error", attrs: { role: "alert" }, text: preview.error }));
    return pane;
  }
  const view = preview.view;
  if (view === null) {
    pane.appendChild(ui.progressRing({ ariaLabel: "Loading the preview" }));
  } else if (view.kind === "image") {
    const url = imageDataUrl(view.contentType, view.base64);
    if (url) {
      const image = ui.element("img", { className: "preview-image", attrs: { alt: `Stored image (${view.contentType})` } });
      image.src = url;
      pane.appendChild(image);
    } else {
      pane.appendChild(ui.element("p", { className: "muted", text: "This image cannot be previewed; download it to open it." }));
    }
  } else if (view.kind === "text") {
    pane.appendChild(ui.element("pre", { className: "preview-text", text: view.text }));
  } else {
    pane.appendChild(ui.element("p", { className: "muted preview-none", text: view.reason }));
  }
  return pane;
}

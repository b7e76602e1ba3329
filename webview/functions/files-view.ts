// The Files tab: stored files (`_storage` documents) newest first with id, size, content type and
// date, grouped by install (the app's, then each component install's that has files, each paged on
// its own); a preview (images from base64 bytes the host sends, text as text), download, delete.
import type { Ui } from "../components";
import type { FilePageView, FilePreviewView, FileView } from "../protocol/functions";
import { formatBytes, imageDataUrl } from "../response/format";
import { formatDateTime } from "./format";
import { installHeading, installLabel } from "./installs";

/** One install's files as far as they are loaded. */
export interface FileGroup {
  component: string;
  files: FileView[];
  /** The next page's cursor; null when the last page is shown. */
  cursor: string | null;
  loading: boolean;
  error: string | null;
}

export interface FilesModel {
  groups: FileGroup[] | null;
  loading: boolean;
  error: string | null;
  preview: { component: string; id: string; view: FilePreviewView | null; error: string | null } | null;
}

export interface FilesHandlers {
  refresh(): void;
  loadMore(component: string): void;
  copyId(id: string): void;
  preview(component: string, file: FileView): void;
  download(component: string, file: FileView): void;
  remove(component: string, file: FileView): void;
}

export function emptyFilesModel(): FilesModel {
  return { groups: null, loading: false, error: null, preview: null };
}

export function fileGroup(page: FilePageView): FileGroup {
  return { component: page.component, files: page.files, cursor: page.continueCursor, loading: false, error: null };
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
  if (model.error !== null)
    pane.appendChild(ui.element("div", { id: "files-error", className: "notice-error", attrs: { role: "alert" }, text: model.error }));
  const groups = model.groups ?? [];
  if (model.groups !== null && groups.every((group) => group.files.length === 0))
    pane.appendChild(ui.element("p", { className: "muted", text: "No stored files." }));
  // Install headings only when a component has files too.
  const grouped = groups.some((group) => group.component !== "");
  for (const group of groups) {
    if (group.files.length === 0 && group.cursor === null && group.error === null) continue;
    pane.appendChild(groupSection(ui, group, grouped, model.preview, handlers));
  }
  if (model.loading) pane.appendChild(ui.progressRing({ id: "files-loading", ariaLabel: "Loading files" }));
  view.append(pane, previewPane(ui, model.preview));
  return view;
}

function groupSection(ui: Ui, group: FileGroup, grouped: boolean, preview: FilesModel["preview"], handlers: FilesHandlers): HTMLElement {
  const { component } = group;
  const list = ui.element("ul", { className: "rows file-list" });
  for (const file of group.files) {
    const previewing = preview?.component === component && preview.id === file.id;
    list.appendChild(
      ui.element(
        "li",
        { className: `row file-row${previewing ? " selected" : ""}`, attrs: { "data-id": file.id, "data-component": component } },
        [
          ui.element("code", { className: "file-id", text: file.id }),
          ui.element("span", { className: "file-size", title: `${file.size} bytes`, text: formatBytes(file.size) }),
          ui.element("span", { className: "file-type muted", text: file.contentType ?? "no content type" }),
          ui.element("span", { className: "file-time muted", text: formatDateTime(file.creationTime) }),
          ui.element("span", { className: "file-actions" }, [
            ui.button("Copy id", () => handlers.copyId(file.id), { className: "copy-id", appearance: "secondary" }),
            ui.button("Preview", () => handlers.preview(component, file), { className: "preview-file", appearance: "secondary" }),
            ui.button("Download", () => handlers.download(component, file), { className: "download-file", appearance: "secondary" }),
            ui.button("Delete", () => handlers.remove(component, file), { className: "delete-file", appearance: "secondary" }),
          ]),
        ],
      ),
    );
  }
  const section = ui.element("section", { className: "file-group", attrs: { "data-component": component } }, [
    grouped && installHeading(ui, "h4", "file-install", component),
    list,
  ]);
  if (group.error !== null)
    section.appendChild(ui.element("div", { className: "notice-error files-group-error", attrs: { role: "alert" }, text: group.error }));
  if (group.loading) {
    const ring = ui.progressRing({ ariaLabel: `Loading more files of ${installLabel(component)}` });
    ring.classList.add("files-more-loading");
    section.appendChild(ring);
  } else if (group.cursor !== null)
    section.appendChild(
      ui.button("Load more files", () => handlers.loadMore(component), { className: "files-more", appearance: "secondary" }),
    );
  return section;
}

function previewPane(ui: Ui, preview: FilesModel["preview"]): HTMLElement {
  const pane = ui.element("div", { id: "file-preview", className: "pane preview-pane" });
  if (preview === null) {
    pane.appendChild(ui.element("p", { className: "muted", text: "Preview a file to see it here." }));
    return pane;
  }
  pane.appendChild(ui.element("h3", { className: "pane-title mono", text: preview.id }));
  if (preview.component !== "") pane.appendChild(ui.element("p", { className: "muted", text: `A file of component ${preview.component}` }));
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

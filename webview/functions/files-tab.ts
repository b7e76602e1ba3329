// The Files tab's behaviour: the first page of every install's files, more of one install's, a
// preview (a late preview of another file is dropped), downloads and deletes, each in the file's
// install. files-view.ts draws what this keeps.
import type { FileView } from "../protocol/functions";
import { emptyFilesModel, fileGroup, filesView, type FileGroup, type FilesModel } from "./files-view";
import { installLabel } from "./installs";
import { isClosed, messageOf, type PanelContext } from "./panel-context";
import { isFileGroups, isFilePage, isFilePreview } from "./replies";

export interface FilesTab {
  render(): void;
  /** Lists every install's files again from the newest. */
  load(): Promise<void>;
  /** The runtime went away: forget what was loaded. */
  reset(): void;
}

export function filesTab(context: PanelContext, slot: HTMLElement): FilesTab {
  let model: FilesModel = emptyFilesModel();
  /** Bumped by every full load: pages of an older list are dropped. */
  let generation = 0;

  function render() {
    if (context.disposed()) return;
    slot.replaceChildren(
      filesView(context.ui, model, context.ready(), {
        refresh: () => void load(),
        loadMore: (component) => void loadMore(component),
        copyId: (id) => void context.tell({ type: "copyText", text: id }, "Could not copy"),
        preview: (component, file) => void preview(component, file),
        download: (component, file) =>
          void context.tell({ type: "downloadFile", component, storageId: file.id }, `Could not download ${file.id}`),
        remove: (component, file) => void removeFile(component, file),
      }),
    );
  }

  async function load() {
    const files = model;
    const mine = ++generation;
    files.loading = true;
    files.error = null;
    render();
    try {
      const pages = await context.ask({ type: "listFiles" }, isFileGroups);
      if (mine !== generation) return;
      files.groups = pages.map(fileGroup);
    } catch (error) {
      if (isClosed(error) || mine !== generation) return;
      files.error = `Could not list the files: ${messageOf(error)}`;
    }
    files.loading = false;
    render();
  }

  async function loadMore(component: string) {
    const mine = generation;
    const group = groupOf(component);
    if (!group || group.loading || group.cursor === null) return;
    group.loading = true;
    group.error = null;
    render();
    try {
      const page = await context.ask({ type: "pageFiles", component, cursor: group.cursor }, isFilePage);
      if (mine !== generation) return;
      group.files = [...group.files, ...page.files];
      group.cursor = page.continueCursor;
    } catch (error) {
      if (isClosed(error) || mine !== generation) return;
      group.error = `Could not list more files of ${installLabel(component)}: ${messageOf(error)}`;
    }
    group.loading = false;
    render();
  }

  async function preview(component: string, file: FileView) {
    const current: NonNullable<FilesModel["preview"]> = { component, id: file.id, view: null, error: null };
    model.preview = current;
    render();
    try {
      current.view = await context.ask({ type: "previewFile", component, storageId: file.id }, isFilePreview);
    } catch (error) {
      if (isClosed(error)) return;
      current.error = messageOf(error);
    }
    if (model.preview === current) render();
  }

  async function removeFile(component: string, file: FileView) {
    try {
      const deleted = await context.request({ type: "deleteFile", component, storageId: file.id });
      if (deleted !== true) return;
      const group = groupOf(component);
      if (group) group.files = group.files.filter((f) => f.id !== file.id);
      if (model.preview?.component === component && model.preview.id === file.id) model.preview = null;
      render();
    } catch (error) {
      if (!isClosed(error)) context.showActionError(`Could not delete ${file.id}: ${messageOf(error)}`);
    }
  }

  const groupOf = (component: string): FileGroup | undefined => model.groups?.find((group) => group.component === component);

  return {
    render,
    load,
    reset() {
      generation++;
      model = emptyFilesModel();
    },
  };
}

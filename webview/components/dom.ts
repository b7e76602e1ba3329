// Plain DOM building. Text always goes in through textContent or attributes, never as markup:
// the panels show response bodies, headers and log lines that the user's code (or anyone it
// talks to) controls.

export interface ElementOptions {
  id?: string;
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
}

export type Child = Node | string | null | undefined | false;

export function element<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  options?: ElementOptions,
  children?: Child[],
): HTMLElementTagNameMap[K];
export function element(doc: Document, tag: string, options?: ElementOptions, children?: Child[]): HTMLElement;
export function element(doc: Document, tag: string, options: ElementOptions = {}, children: Child[] = []): HTMLElement {
  const node = doc.createElement(tag);
  if (options.id) node.id = options.id;
  if (options.className) node.className = options.className;
  if (options.title) node.title = options.title;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  if (options.text !== undefined) node.textContent = options.text;
  append(node, children);
  return node;
}

export function append(parent: Node, children: Child[]): void {
  const doc = parent.ownerDocument ?? (parent as Document);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? doc.createTextNode(child) : child);
  }
}

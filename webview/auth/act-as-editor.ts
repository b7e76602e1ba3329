// "Act as a user": pick Anonymous or an identity (subject, name, email, custom claims as JSON) that
// the host signs a short-lived dev token for. Used by the request editor and the functions panel.
// The notice says plainly that these tokens come from Convex Lens's local dev issuer only.
import { setHidden, type Ui } from "../components";
import { ACT_AS_NOTICE, type ActAsIdentity, type DevTokenView } from "../protocol/core";

export const EMPTY_IDENTITY: ActAsIdentity = { enabled: false, subject: "", name: "", email: "", claims: "" };

export function cloneIdentity(identity: ActAsIdentity | undefined): ActAsIdentity {
  return { ...(identity ?? EMPTY_IDENTITY) };
}

export function sameIdentity(a: ActAsIdentity | undefined, b: ActAsIdentity | undefined): boolean {
  const x = a ?? EMPTY_IDENTITY;
  const y = b ?? EMPTY_IDENTITY;
  return x.enabled === y.enabled && x.subject === y.subject && x.name === y.name && x.email === y.email && x.claims === y.claims;
}

export function isActAsIdentity(value: unknown): value is ActAsIdentity {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.enabled === "boolean" && ["subject", "name", "email", "claims"].every((key) => typeof v[key] === "string");
}

export interface ActAsEditorHandlers {
  onChange(identity: ActAsIdentity): void;
  /** Offers "Copy token" when given (the host signs and copies). */
  onCopyToken?: (identity: ActAsIdentity) => void;
}

/** `idPrefix` keeps element ids unique when two editors share a page. */
export function actAsEditor(ui: Ui, initial: ActAsIdentity | undefined, handlers: ActAsEditorHandlers, idPrefix = "act-as"): HTMLElement {
  const identity = cloneIdentity(initial);
  const emit = () => handlers.onChange({ ...identity });
  const field = (key: "subject" | "name" | "email", label: string, placeholder: string) =>
    ui.textField({
      id: `${idPrefix}-${key}`,
      className: "act-as-field",
      value: identity[key],
      label,
      placeholder,
      onInput: (value) => {
        identity[key] = value;
        emit();
      },
    });

  const fields = ui.element("div", { id: `${idPrefix}-fields`, className: "act-as-fields" }, [
    field("subject", "Subject (identity.subject)", "user_123"),
    field("name", "Name", "Ada Lovelace"),
    field("email", "Email", "ada@example.com"),
    ui.textArea({
      id: `${idPrefix}-claims`,
      className: "mono act-as-claims",
      value: identity.claims,
      label: "Custom claims (JSON object)",
      placeholder: '{"role": "admin"}',
      rows: 3,
      onInput: (value) => {
        identity.claims = value;
        emit();
      },
    }),
    ui.element("p", {
      id: `${idPrefix}-notice`,
      className: "muted act-as-notice",
      text: `${ACT_AS_NOTICE} The token lasts one hour and is signed again for every send.`,
    }),
    handlers.onCopyToken
      ? ui.button("Copy token", () => handlers.onCopyToken!({ ...identity }), {
          id: `${idPrefix}-copy`,
          appearance: "secondary",
          title: "Sign a dev token for this identity and copy it (for curl against the local runtime)",
        })
      : null,
  ]);
  setHidden(fields, !identity.enabled);

  const mode = ui.dropdown({
    id: `${idPrefix}-mode`,
    ariaLabel: "Act as",
    value: identity.enabled ? "user" : "anonymous",
    choices: [
      { value: "anonymous", label: "Anonymous (no identity)" },
      { value: "user", label: "A user (dev token)" },
    ],
    onChange: (value) => {
      identity.enabled = value === "user";
      setHidden(fields, !identity.enabled);
      emit();
    },
  });

  return ui.element("div", { id: idPrefix, className: "act-as" }, [mode, fields]);
}

/** Checks the host's reply to `signDevToken`. */
export function isDevTokenView(value: unknown): value is DevTokenView {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as DevTokenView).token === "string" &&
    typeof (value as DevTokenView).expiresAt === "number"
  );
}

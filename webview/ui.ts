// A thin layer over @vscode/webview-ui-toolkit (deprecated upstream): the rest of the webview builds its
// controls only through these functions, so the toolkit can be swapped for plain elements in one file.
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers only the components the panel uses (each one adds to the bundle and to start-up). */
export function initUi(): void {
  if (registered) return;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());
  registered = true;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; attrs?: Record<string, string> } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A toolkit element (custom tag names are not in lib.dom's tag map). */
function custom(tag: string, props: Parameters<typeof el>[1] = {}): HTMLElement {
  const e = document.createElement(tag);
  if (props.text !== undefined) e.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  return e;
}

export function button(label: string, onClick: () => void, opts: { secondary?: boolean; title?: string } = {}): HTMLElement {
  const b = custom('vscode-button', { text: label, attrs: { 'data-control': opts.title ?? label, appearance: opts.secondary ? 'secondary' : 'primary', ...(opts.title ? { title: opts.title, 'aria-label': opts.title } : {}) } });
  b.addEventListener('click', onClick);
  return b;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, opts: { disabled?: boolean; title?: string } = {}): HTMLElement {
  const c = custom('vscode-checkbox', { text: label, attrs: { 'data-control': label, ...(opts.title ? { title: opts.title } : {}) } }) as HTMLElement & { checked: boolean; disabled: boolean };
  c.checked = checked;
  c.disabled = !!opts.disabled;
  c.addEventListener('change', () => onChange(c.checked));
  return c;
}

export function dropdown(label: string, options: { value: string; label: string }[], value: string, onChange: (value: string) => void): HTMLElement {
  const d = custom('vscode-dropdown', { attrs: { 'aria-label': label, 'data-control': label } }) as HTMLElement & { value: string };
  for (const o of options) {
    const opt = custom('vscode-option', { text: o.label, attrs: { value: o.value } });
    if (o.value === value) opt.setAttribute('selected', '');
    d.append(opt);
  }
  d.addEventListener('change', () => onChange(d.value));
  return el('label', { className: 'field' }, el('span', { text: label }), d);
}

/** A text field committed on Enter or change; `parse` returns null to reject (the field is marked invalid). */
export function textField<T>(label: string, value: string, parse: (s: string) => T | null, onCommit: (v: T) => void, hint = ''): HTMLElement {
  // The toolkit labels a text field by its slotted text (an aria-label attribute is overwritten).
  const f = custom('vscode-text-field', { text: label, attrs: { value, 'data-control': label, ...(hint ? { placeholder: hint } : {}) } }) as HTMLElement & { value: string };
  const commit = (): void => {
    const v = parse(f.value.trim());
    f.classList.toggle('invalid', v === null);
    if (v !== null) onCommit(v);
  };
  f.addEventListener('change', commit);
  f.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') commit();
  });
  return f;
}

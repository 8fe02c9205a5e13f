/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

/** Text that is already safe markup: only what `html` built, never data. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an element's content or a quoted attribute. */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

const render = (part: Part): string => {
  if (part instanceof SafeHtml) return part.markup;
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === null || part === undefined || part === false) return '';
  return escapeHtml(part);
};

/**
 * The one way the console writes markup: every interpolated value is escaped unless it is itself
 * the result of `html`, so data from orders, queues and histories can never become markup.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}

export const mount = (element: Element, content: SafeHtml): void => {
  element.innerHTML = content.markup;
};

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T | null =>
  document.getElementById(id) as T | null;

export const pretty = (value: unknown): string => {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
};

export const money = (minor: unknown, currency: unknown): string =>
  typeof minor === 'number' ? `${(minor / 100).toFixed(2)} ${String(currency ?? '')}` : '';

export const time = (iso: unknown): string => {
  if (typeof iso !== 'string' || iso === '') return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
};

// Translations and locale-aware formatting. Every string a person reads comes from
// i18n/en.json or i18n/ar.json; Arabic sets dir="rtl" on <html>.
import en from './i18n/en.json';
import ar from './i18n/ar.json';

export type Lang = 'en' | 'ar';
type Table = Record<string, string>;
const tables: Record<Lang, Table> = { en, ar };

let lang: Lang = (localStorage.getItem('tansiq.lang') as Lang | null) === 'ar' ? 'ar' : 'en';
const listeners: Array<() => void> = [];

export function currentLang(): Lang {
  return lang;
}

export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = tables[lang][key] ?? tables.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

export function applyLang(): void {
  const html = document.documentElement;
  html.lang = lang;
  html.dir = lang === 'ar' ? 'rtl' : 'ltr';
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem('tansiq.lang', next);
  applyLang();
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): void {
  listeners.push(listener);
}

function locale(): string {
  return lang === 'ar' ? 'ar-LY' : 'en-GB';
}

// Formatters are made once per language and kept: making an Intl formatter costs far more
// than using one (the alert queue and the clock format on every update).
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: (locale: string) => T): T {
  const k = `${lang}|${key}`;
  let f = formatters.get(k) as T | undefined;
  if (!f) {
    f = make(locale());
    formatters.set(k, f);
  }
  return f;
}

export function formatNumber(value: number, digits = 0): string {
  return formatter(`n${digits}`, (l) => new Intl.NumberFormat(l, { maximumFractionDigits: digits })).format(value);
}

/** A time as the watch floor reads it: UTC, 24 h. */
export function formatTime(ms: number): string {
  return formatter(
    'time',
    (l) => new Intl.DateTimeFormat(l, { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
  ).format(new Date(ms));
}

export function formatDateTime(ms: number): string {
  return formatter(
    'datetime',
    (l) =>
      new Intl.DateTimeFormat(l, {
        timeZone: 'UTC',
        year: 'numeric',
        month: 'short',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
  ).format(new Date(ms));
}

/** The localised name of a zone or agency: `name_ar` in Arabic when there is one. */
export function localName(item: { name?: string; name_en?: string; name_ar?: string }): string {
  if (lang === 'ar' && item.name_ar) return item.name_ar;
  return item.name ?? item.name_en ?? item.name_ar ?? '';
}

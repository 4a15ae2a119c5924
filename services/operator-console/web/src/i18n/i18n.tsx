// The language: English or Arabic, remembered in localStorage; it sets <html lang dir> so the whole
// page (not only our components) flips to right to left for Arabic.
import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { formatMoney as formatMoneyIn } from '@gateway/contracts';
import type { Money } from '@gateway/contracts';
import { ar } from './ar.ts';
import { en } from './en.ts';
import type { Messages } from './en.ts';

export type Lang = 'en' | 'ar';
const STORAGE_KEY = 'console.lang';
const messages: Record<Lang, Messages> = { en, ar };

interface I18n {
  lang: Lang;
  t: Messages;
  setLang: (lang: Lang) => void;
  /** A time in Asia/Damascus, the telecom's zone, whatever the browser's. */
  formatTime: (iso: string) => string;
  /** An amount as the SMS and the rest of the project write it: contracts' formatMoney, exact from minor units. */
  formatMoney: (value: { amount: number; currency: string }) => string;
  /** A count or a share in the language's digits. */
  formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string;
}

const I18nContext = createContext<I18n | null>(null);

function storedLang(): Lang {
  return localStorage.getItem(STORAGE_KEY) === 'ar' ? 'ar' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const format = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-SY' : 'en-GB', {
      timeZone: 'Asia/Damascus',
      dateStyle: 'medium',
      timeStyle: 'medium',
    });
    return {
      lang,
      t: messages[lang],
      setLang: (next) => {
        localStorage.setItem(STORAGE_KEY, next);
        setLangState(next);
      },
      formatTime: (iso) => format.format(new Date(iso)),
      // The API's amounts were checked by the services' schemas, so the cast only restores the brand.
      formatMoney: (value) => formatMoneyIn(value as Money, lang === 'ar' ? 'ar-SY' : 'en'),
      formatNumber: (value, options) => new Intl.NumberFormat(lang === 'ar' ? 'ar-SY' : 'en-GB', options).format(value),
    };
  }, [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

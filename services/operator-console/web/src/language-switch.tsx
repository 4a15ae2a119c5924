import { useI18n } from './i18n/i18n.tsx';
import type { Lang } from './i18n/i18n.tsx';

export function LanguageSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <label className="language">
      {t.language}
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        <option value="en" lang="en">English</option>
        <option value="ar" lang="ar">العربية</option>
      </select>
    </label>
  );
}

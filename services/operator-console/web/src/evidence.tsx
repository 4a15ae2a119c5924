// One side's evidence as a service recorded it (a reconciliation exception's ledger or file row, a
// complaint's automatic check): each field by name; an `amount` in minor units shown as money when the
// currency is known.
import { useI18n } from './i18n/i18n.tsx';

export function Evidence({ evidence, currency, testId }: { evidence: Record<string, unknown> | null; currency?: string | undefined; testId?: string }) {
  const { t, formatMoney } = useI18n();
  if (evidence === null) return <span data-testid={testId}>{t.evidenceNone}</span>;
  const unit = typeof evidence['currency'] === 'string' ? evidence['currency'] : currency;
  const shown = (key: string, value: unknown): string => {
    if (key === 'amount' && typeof value === 'number' && unit) return formatMoney({ amount: value, currency: unit });
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  return (
    <dl className="audit-detail" data-testid={testId}>
      {Object.entries(evidence)
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd><bdi>{shown(key, value)}</bdi></dd>
          </div>
        ))}
    </dl>
  );
}

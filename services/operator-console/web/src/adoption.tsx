// Adoption: the mission's own measure of the move away from cash. For a billing cycle (the bills issued
// in a month), how many bills were paid through the gateway and their share: the headline, the
// running share day by day, and the share by governorate, holder class and channel, each chart with
// its numbers in a table; then what the public entities still owe. Billing counts; this only shows.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { EChartsCoreOption } from 'echarts/core';
import { getAdoption } from './adoption-api.ts';
import { ApiError } from './api.ts';
import type { Adoption } from './adoption-api.ts';
import { Chart } from './chart.tsx';
import { useI18n } from './i18n/i18n.tsx';

type Figures = Adoption['totals'];
type Money = { amount: number; currency: string };

function percent(share: number | null): number | null {
  return share === null ? null : Math.round(share * 1000) / 10;
}

function barOption(names: string[], values: (number | null)[], seriesName: string, unit: '%' | ''): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 16, bottom: 64 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', min: 0, ...(unit === '%' ? { max: 100, axisLabel: { formatter: '{value}%' } } : { minInterval: 1 }) },
    series: [{ type: 'bar', name: seriesName, data: values }],
  };
}

/** The cycle named in the URL (#adoption?cycle=YYYY-MM), so a reload or a shared link shows the same one. */
function cycleInUrl(): string | undefined {
  const cycle = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('cycle');
  return cycle !== null && /^\d{4}-\d{2}$/.test(cycle) ? cycle : undefined;
}

export function AdoptionScreen() {
  const { t, formatTime, formatMoney, formatNumber } = useI18n();
  const [cycle, setCycle] = useState<string | undefined>(cycleInUrl);
  const [draft, setDraft] = useState(cycle ?? '');
  const adoption = useQuery({ queryKey: ['adoption', cycle ?? 'current'], queryFn: () => getAdoption(cycle), refetchInterval: 60_000 });
  const a = adoption.data;

  const share = (value: number | null) => (value === null ? '—' : formatNumber(value, { style: 'percent', maximumFractionDigits: 1 }));
  const money = (list: Money[]) => (list.length === 0 ? '—' : list.map((m) => formatMoney(m)).join(' + '));
  const governorateName = (g: string | null) => (g === null ? t.adoption.unknownGovernorate : (t.adoption.governorate[g] ?? g));
  const className = (c: string) => t.adoption.holderClass[c] ?? c;
  const channelName = (c: string | null) => (c === null ? t.adoption.unknownChannel : c);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = draft === '' ? undefined : draft;
    window.history.replaceState(null, '', next === undefined ? '#adoption' : `#adoption?cycle=${next}`);
    setCycle(next);
  };

  return (
    <section aria-labelledby="adoption-title">
      <h2 id="adoption-title">{t.adoption.title}</h2>
      <form className="filters" onSubmit={apply} aria-label={t.adoption.cycle}>
        <label>
          {t.adoption.cycle}
          <input type="month" value={draft} onChange={(e) => setDraft(e.target.value)} data-testid="adoption-cycle" />
        </label>
        <button type="submit">{t.adoption.show}</button>
      </form>
      {adoption.isPending && <p role="status">{t.loading}</p>}
      {adoption.isError && (
        <p role="alert" className="error">
          {adoption.error instanceof ApiError && adoption.error.code === 'service_unavailable' ? t.adoption.billingDown : adoption.error.message || t.unexpectedError}
        </p>
      )}
      {a && (
        <>
          <p className="hint-inline">{t.adoption.cycleRange(a.cycle, a.from, a.to, formatTime(a.asOf))}</p>
          <p data-testid="adoption-share" aria-live="polite">
            <strong style={{ fontSize: '2rem' }}>{share(a.totals.share)}</strong>{' '}
            {t.adoption.headline(formatNumber(a.totals.billsPaidViaGateway), formatNumber(a.totals.billsIssued))}
          </p>
          <FiguresTable caption={t.adoption.totals} rows={[{ key: 'total', name: t.adoption.allBills, figures: a.totals }]} share={share} money={money} />

          <h3>{t.adoption.dailyTitle}</h3>
          <Chart
            label={t.adoption.dailyTitle}
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 48, right: 16, top: 16, bottom: 32 },
              xAxis: { type: 'category', data: a.daily.map((d) => d.date) },
              yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
              series: [{ type: 'line', name: t.adoption.cumulativeShare, data: a.daily.map((d) => percent(d.cumulativeShare)) }],
            }}
          />
          <details>
            <summary>{t.adoption.dailyTable}</summary>
            <table className="channels" data-testid="adoption-daily">
              <thead>
                <tr>
                  <th scope="col">{t.adoption.col.date}</th>
                  <th scope="col">{t.adoption.col.issued}</th>
                  <th scope="col">{t.adoption.col.paid}</th>
                  <th scope="col">{t.adoption.col.cumulativePaid}</th>
                  <th scope="col">{t.adoption.cumulativeShare}</th>
                </tr>
              </thead>
              <tbody>
                {a.daily.map((d) => (
                  <tr key={d.date} data-date={d.date}>
                    <td><bdi>{d.date}</bdi></td>
                    <td>{formatNumber(d.issued)}</td>
                    <td>{formatNumber(d.paid)}</td>
                    <td>{t.adoption.ofIssued(formatNumber(d.cumulativePaid), formatNumber(d.cumulativeIssued))}</td>
                    <td>{share(d.cumulativeShare)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>

          <h3>{t.adoption.byGovernorate}</h3>
          <Chart label={t.adoption.byGovernorate} option={barOption(a.byGovernorate.map((g) => governorateName(g.governorate)), a.byGovernorate.map((g) => percent(g.share)), t.adoption.col.share, '%')} />
          <FiguresTable
            caption={t.adoption.byGovernorate}
            testId="adoption-governorates"
            attr="data-governorate"
            rows={a.byGovernorate.map((g) => ({ key: g.governorate ?? '', name: governorateName(g.governorate), figures: g }))}
            share={share}
            money={money}
          />

          <h3>{t.adoption.byHolderClass}</h3>
          <Chart label={t.adoption.byHolderClass} option={barOption(a.byHolderClass.map((c) => className(c.holderClass)), a.byHolderClass.map((c) => percent(c.share)), t.adoption.col.share, '%')} height={200} />
          <FiguresTable
            caption={t.adoption.byHolderClass}
            testId="adoption-classes"
            attr="data-class"
            rows={a.byHolderClass.map((c) => ({ key: c.holderClass, name: className(c.holderClass), figures: c }))}
            share={share}
            money={money}
          />

          <h3>{t.adoption.byChannel}</h3>
          {a.byChannel.length === 0 ? (
            <p>{t.adoption.noPayments}</p>
          ) : (
            <>
              <Chart label={t.adoption.byChannel} option={barOption(a.byChannel.map((c) => channelName(c.channelId)), a.byChannel.map((c) => c.billsPaidViaGateway), t.adoption.col.paid, '')} height={200} />
              <table className="channels" data-testid="adoption-channels">
                <caption className="hint-inline">{t.adoption.channelNote}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.col.channel}</th>
                    <th scope="col">{t.adoption.col.paid}</th>
                    <th scope="col">{t.adoption.col.share}</th>
                    <th scope="col">{t.adoption.col.amountPaid}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.byChannel.map((c) => (
                    <tr key={c.channelId ?? ''} data-channel={c.channelId ?? ''}>
                      <th scope="row"><bdi>{channelName(c.channelId)}</bdi></th>
                      <td data-cell="paid">{formatNumber(c.billsPaidViaGateway)}</td>
                      <td>{share(c.share)}</td>
                      <td>{money(c.amountPaidViaGateway)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}

          <h3>{t.adoption.publicEntities}</h3>
          {a.publicEntities.length === 0 ? (
            <p>{t.adoption.noEntities}</p>
          ) : (
            <table className="channels" data-testid="adoption-entities">
              <thead>
                <tr>
                  <th scope="col">{t.adoption.col.entity}</th>
                  <th scope="col">{t.adoption.col.lines}</th>
                  <th scope="col">{t.adoption.col.outstanding}</th>
                </tr>
              </thead>
              <tbody>
                {a.publicEntities.map((e) => (
                  <tr key={e.entityId} data-entity={e.entityId}>
                    <th scope="row"><bdi>{e.name}</bdi> <bdi className="channel-id">{e.entityId}</bdi></th>
                    <td>{formatNumber(e.lines)}</td>
                    <td>{e.outstanding.length === 0 ? formatNumber(0) : money(e.outstanding)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function FiguresTable({
  caption,
  rows,
  share,
  money,
  testId,
  attr,
}: {
  caption: string;
  rows: { key: string; name: string; figures: Figures }[];
  share: (value: number | null) => string;
  money: (list: Money[]) => string;
  testId?: string;
  attr?: string;
}) {
  const { t, formatNumber } = useI18n();
  return (
    <table className="channels" data-testid={testId}>
      <caption className="hint-inline" style={{ textAlign: 'start' }}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t.adoption.col.group}</th>
          <th scope="col">{t.adoption.col.issued}</th>
          <th scope="col">{t.adoption.col.paid}</th>
          <th scope="col">{t.adoption.col.share}</th>
          <th scope="col">{t.adoption.col.amountIssued}</th>
          <th scope="col">{t.adoption.col.amountPaid}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} {...(attr ? { [attr]: r.key } : {})}>
            <th scope="row">{r.name}</th>
            <td data-cell="issued">{formatNumber(r.figures.billsIssued)}</td>
            <td data-cell="paid">{formatNumber(r.figures.billsPaidViaGateway)}</td>
            <td>{share(r.figures.share)}</td>
            <td>{money(r.figures.amountIssued)}</td>
            <td>{money(r.figures.amountPaidViaGateway)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Audit (admin): every service's audit rows and the console's own sign-in events, newest first, with
// filters by source, actor and action, and older pages on request. A source that does not answer is
// said so above the table; the others' rows are still shown.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { AUDIT_SOURCES, listAudit } from './audit-api.ts';
import type { AuditEntry, AuditFilter } from './audit-api.ts';
import { useI18n } from './i18n/i18n.tsx';

const noFilter: AuditFilter = { service: '', actor: '', action: '' };

export function Audit() {
  const { t, formatTime } = useI18n();
  const [draft, setDraft] = useState<AuditFilter>(noFilter);
  const [filter, setFilter] = useState<AuditFilter>(noFilter);
  const audit = useInfiniteQuery({
    queryKey: ['audit', filter],
    queryFn: ({ pageParam }) => listAudit(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = audit.data?.pages.flatMap((p) => p.entries) ?? [];
  // The last page's view of the sources: a service down then is down now.
  const pages = audit.data?.pages ?? [];
  const unavailable = pages[pages.length - 1]?.sources.filter((s) => !s.available) ?? [];
  const sourceName = (service: string) => t.audit.source[service] ?? service;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
  };

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t.audit.title}</h2>
      <form className="filters" onSubmit={apply} aria-label={t.audit.filters}>
        <label>
          {t.audit.service}
          <select value={draft.service} onChange={(e) => setDraft({ ...draft, service: e.target.value })}>
            <option value="">{t.audit.allSources}</option>
            {AUDIT_SOURCES.map((s) => (
              <option key={s} value={s}>{sourceName(s)}</option>
            ))}
          </select>
        </label>
        <label>
          {t.audit.actor}
          <input value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} placeholder="operator-console/alice" dir="ltr" />
        </label>
        <label>
          {t.audit.action}
          <input value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} placeholder="channel.force-off" dir="ltr" />
        </label>
        <button type="submit">{t.audit.apply}</button>
      </form>
      {audit.isPending && <p role="status">{t.loading}</p>}
      {audit.isError && <p role="alert" className="error">{audit.error.message || t.unexpectedError}</p>}
      {unavailable.map((s) => (
        <p key={s.service} className="error" data-testid="audit-unavailable" data-service={s.service}>
          {sourceName(s.service)}: {t.serviceUnavailable} <bdi>{s.error}</bdi>
        </p>
      ))}
      {audit.isSuccess && entries.length === 0 && <p>{t.audit.empty}</p>}
      {entries.length > 0 && (
        <table className="channels audit">
          <thead>
            <tr>
              <th scope="col">{t.audit.col.at}</th>
              <th scope="col">{t.audit.col.service}</th>
              <th scope="col">{t.audit.col.actor}</th>
              <th scope="col">{t.audit.col.action}</th>
              <th scope="col">{t.audit.col.target}</th>
              <th scope="col">{t.audit.col.details}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.service}:${e.id}`} data-service={e.service} data-action={e.action} data-target={e.target}>
                <td>{formatTime(e.at)}</td>
                <td>{sourceName(e.service)}</td>
                <td><bdi className="actor">{e.actor}</bdi></td>
                <td>
                  {t.audit.actionName[e.action] ?? e.action}
                  {t.audit.actionName[e.action] !== undefined && <> <bdi className="hint-inline">({e.action})</bdi></>}
                </td>
                <td><bdi>{e.target}</bdi></td>
                <td><Details entry={e} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {audit.hasNextPage && (
        <button type="button" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
          {audit.isFetchingNextPage ? t.loading : t.audit.older}
        </button>
      )}
    </section>
  );
}

/** The reason first, in words; the rest as label: value, with nested values as compact JSON. */
function Details({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  const { reason, ...rest } = entry.detail;
  const items = Object.entries(rest).filter(([, v]) => v !== null && v !== undefined);
  return (
    <dl className="audit-detail">
      {typeof reason === 'string' && (
        <>
          <dt>{t.reason}</dt>
          <dd className="reason"><bdi>{reason}</bdi></dd>
        </>
      )}
      {items.map(([key, value]) => (
        <div key={key}>
          <dt>{t.audit.detailName[key] ?? key}</dt>
          <dd><bdi>{typeof value === 'string' ? value : JSON.stringify(value)}</bdi></dd>
        </div>
      ))}
      {entry.requestId && (
        <div>
          <dt>{t.audit.requestId}</dt>
          <dd><bdi>{entry.requestId}</bdi></dd>
        </div>
      )}
    </dl>
  );
}

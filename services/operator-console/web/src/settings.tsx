// Settings (admin): the console's effective settings that are safe to show (no key, no hash, no
// Redis URL), the operators who may sign in and their roles, and whether each service answers now.
import { useQuery } from '@tanstack/react-query';
import { getSettings } from './audit-api.ts';
import { useI18n } from './i18n/i18n.tsx';

export function SettingsScreen() {
  const { t, formatNumber } = useI18n();
  const settings = useQuery({ queryKey: ['settings'], queryFn: getSettings, refetchInterval: 15_000 });
  const minutes = (ms: number) => t.settings.minutes(formatNumber(ms / 60_000, { maximumFractionDigits: 1 }));
  const s = settings.data;
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{t.settings.title}</h2>
      {settings.isPending && <p role="status">{t.loading}</p>}
      {settings.isError && <p role="alert" className="error">{settings.error.message || t.unexpectedError}</p>}
      {s && (
        <>
          <h3>{t.settings.sessions}</h3>
          <table className="channels settings">
            <tbody>
              <tr><th scope="row">{t.settings.idle}</th><td>{minutes(s.sessionIdleTimeoutMs)}</td></tr>
              <tr><th scope="row">{t.settings.maxAge}</th><td>{minutes(s.sessionMaxAgeMs)}</td></tr>
              <tr><th scope="row">{t.settings.cookieSecure}</th><td>{s.sessionCookieSecure ? t.settings.yes : t.settings.no}</td></tr>
              <tr><th scope="row">{t.settings.maxFailures}</th><td>{formatNumber(s.signInMaxFailures)}</td></tr>
              <tr><th scope="row">{t.settings.lockout}</th><td>{minutes(s.signInLockoutMs)}</td></tr>
              <tr><th scope="row">{t.settings.serviceTimeout}</th><td>{t.settings.seconds(formatNumber(s.serviceTimeoutMs / 1000))}</td></tr>
              <tr><th scope="row">{t.settings.clientId}</th><td><bdi>{s.consoleClientId}</bdi></td></tr>
              <tr><th scope="row">{t.settings.auditKept}</th><td>{formatNumber(s.consoleAuditMaxEntries)}</td></tr>
            </tbody>
          </table>
          <h3>{t.settings.services}</h3>
          <table className="channels">
            <thead>
              <tr>
                <th scope="col">{t.settings.col.service}</th>
                <th scope="col">{t.settings.col.url}</th>
                <th scope="col">{t.settings.col.reachable}</th>
              </tr>
            </thead>
            <tbody>
              {s.services.map((svc) => (
                <tr key={svc.service} data-service={svc.service} data-reachable={String(svc.reachable)}>
                  <td>{t.service[svc.service] ?? svc.service}</td>
                  <td><bdi dir="ltr">{svc.url}</bdi></td>
                  <td className={svc.reachable ? '' : 'error'}>{svc.reachable ? t.settings.reachable : <>{t.serviceUnavailable} <bdi>{svc.error}</bdi></>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t.settings.operators}</h3>
          <table className="channels">
            <thead>
              <tr>
                <th scope="col">{t.settings.col.username}</th>
                <th scope="col">{t.settings.col.name}</th>
                <th scope="col">{t.settings.col.role}</th>
              </tr>
            </thead>
            <tbody>
              {s.operators.map((o) => (
                <tr key={o.username}>
                  <td><bdi>{o.username}</bdi></td>
                  <td><bdi>{o.displayName}</bdi></td>
                  <td>{t.role[o.role] ?? o.role}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

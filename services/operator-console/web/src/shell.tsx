import { useMutation, useQueryClient } from '@tanstack/react-query';
import { forgetSession, signOut } from './api.ts';
import type { Session } from './api.ts';
import { Channels } from './channels.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { LanguageSwitch } from './language-switch.tsx';

export function Shell({ session }: { session: Session }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const leave = useMutation({
    mutationFn: signOut,
    // Signed out locally even if the request failed: the person asked to leave.
    onSettled: () => forgetSession(queryClient),
  });
  const { user } = session;
  return (
    <div className="shell">
      <header className="shell-header">
        <h1>{t.appTitle}</h1>
        <nav aria-label={t.mainNav}>
          <a href="#channels" aria-current="page">{t.navChannels}</a>
        </nav>
        <div className="who" data-testid="who">
          <bdi className="name">{user.displayName}</bdi> · <span className="role" data-testid="role">{t.role[user.role] ?? user.role}</span>
        </div>
        <LanguageSwitch />
        <button type="button" onClick={() => leave.mutate()} disabled={leave.isPending}>{t.signOut}</button>
      </header>
      <main>
        <Channels canAct={user.role === 'operator' || user.role === 'admin'} />
      </main>
    </div>
  );
}

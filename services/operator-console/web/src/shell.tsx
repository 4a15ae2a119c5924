import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { forgetSession, signOut } from './api.ts';
import type { Session } from './api.ts';
import { Channels } from './channels.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { Outbox } from './outbox.tsx';

type Screen = 'channels' | 'outbox';
const screenOf = (hash: string): Screen => (hash === '#outbox' ? 'outbox' : 'channels');

export function Shell({ session }: { session: Session }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const leave = useMutation({
    mutationFn: signOut,
    // Signed out locally even if the request failed: the person asked to leave.
    onSettled: () => forgetSession(queryClient),
  });
  const { user } = session;
  // The screen is the URL's hash, so a reload or a shared link stays on it.
  const [screen, setScreen] = useState<Screen>(() => screenOf(window.location.hash));
  useEffect(() => {
    const follow = () => setScreen(screenOf(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const canAct = user.role === 'operator' || user.role === 'admin';
  return (
    <div className="shell">
      <header className="shell-header">
        <h1>{t.appTitle}</h1>
        <nav aria-label={t.mainNav}>
          <a href="#channels" aria-current={screen === 'channels' ? 'page' : undefined}>{t.navChannels}</a>
          <a href="#outbox" aria-current={screen === 'outbox' ? 'page' : undefined}>{t.navOutbox}</a>
        </nav>
        <div className="who" data-testid="who">
          <bdi className="name">{user.displayName}</bdi> · <span className="role" data-testid="role">{t.role[user.role] ?? user.role}</span>
        </div>
        <LanguageSwitch />
        <button type="button" onClick={() => leave.mutate()} disabled={leave.isPending}>{t.signOut}</button>
      </header>
      <main>
        {screen === 'outbox' ? <Outbox canAct={canAct} /> : <Channels canAct={canAct} />}
      </main>
    </div>
  );
}

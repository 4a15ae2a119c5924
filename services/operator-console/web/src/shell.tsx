import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { forgetSession, signOut } from './api.ts';
import type { Session } from './api.ts';
import { useI18n } from './i18n/i18n.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { screens } from './screens.tsx';

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
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const follow = () => setHash(window.location.hash);
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const canAct = user.role === 'operator' || user.role === 'admin';
  const visible = screens.filter((s) => !s.roles || s.roles.includes(user.role));
  // An unknown hash, or a screen this role may not see, shows the first screen.
  // A screen may carry its own parameters after a '?' (#find?q=…), so a link to what it shows can be shared.
  const screen = visible.find((s) => `#${s.id}` === hash.split('?')[0]) ?? visible[0]!;
  return (
    <div className="shell">
      <header className="shell-header">
        <h1>{t.appTitle}</h1>
        <nav aria-label={t.mainNav}>
          {visible.map((s) => (
            <a key={s.id} href={`#${s.id}`} aria-current={s === screen ? 'page' : undefined}>{s.label(t)}</a>
          ))}
        </nav>
        <div className="who" data-testid="who">
          <bdi className="name">{user.displayName}</bdi> · <span className="role" data-testid="role">{t.role[user.role] ?? user.role}</span>
        </div>
        <LanguageSwitch />
        <button type="button" onClick={() => leave.mutate()} disabled={leave.isPending}>{t.signOut}</button>
      </header>
      <main>
        {screen.render({ canAct })}
      </main>
    </div>
  );
}

// The session decides the screen: none → sign-in; otherwise the shell with the screens built so far
// (Channels, Outbox); the others join the navigation when they exist.
import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { SESSION_KEY, currentSession, forgetSession, setUnauthenticatedHandler } from './api.ts';
import { useI18n } from './i18n/i18n.tsx';
import { SignIn } from './sign-in.tsx';
import { Shell } from './shell.tsx';

export function App() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const session = useQuery({ queryKey: SESSION_KEY, queryFn: currentSession, staleTime: Infinity });

  useEffect(() => {
    setUnauthenticatedHandler(() => forgetSession(queryClient));
  }, [queryClient]);

  if (session.isPending) return <p role="status">{t.loading}</p>;
  if (session.isError) return <p role="alert">{t.unexpectedError}</p>;
  if (!session.data) return <SignIn />;
  return <Shell session={session.data} />;
}

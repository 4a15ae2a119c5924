import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, signIn } from './api.ts';
import { SESSION_KEY } from './api.ts';
import { useI18n } from './i18n/i18n.tsx';
import { LanguageSwitch } from './language-switch.tsx';

export function SignIn() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useMutation({
    mutationFn: () => signIn(username, password),
    onSuccess: (session) => queryClient.setQueryData(SESSION_KEY, session),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };

  let error: string | null = null;
  if (mutation.error instanceof ApiError && mutation.error.status === 401) error = t.wrongCredentials;
  else if (mutation.error instanceof ApiError && mutation.error.status === 429) error = t.lockedOut(mutation.error.retryAfterSeconds ?? 60);
  else if (mutation.error) error = t.unexpectedError;

  return (
    <main className="sign-in">
      <header className="sign-in-header">
        <h1>{t.appTitle}</h1>
        <LanguageSwitch />
      </header>
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">{t.signInTitle}</h2>
        <label>
          {t.username}
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          {t.password}
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={mutation.isPending}>{mutation.isPending ? t.signingIn : t.signIn}</button>
      </form>
    </main>
  );
}

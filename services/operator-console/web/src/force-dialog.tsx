// A modal <dialog>: the browser keeps focus inside it and Escape closes it. Nothing is sent until a
// reason (3–500 characters, the backend's rule) is written and the confirmation ticked.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, CHANNELS_KEY, forceChannel } from './api.ts';
import type { Channel } from './api.ts';
import { useI18n } from './i18n/i18n.tsx';

interface Props {
  channel: Channel;
  action: 'force-off' | 'force-on';
  onClose: () => void;
}

export function ForceDialog({ channel, action, onClose }: Props) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const mutation = useMutation({
    mutationFn: () => forceChannel(channel.channelId, action, reason.trim()),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });
      onClose();
    },
  });

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();

  }, []);

  const valid = reason.trim().length >= 3 && reason.trim().length <= 500 && confirmed;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) mutation.mutate();
  };
  const title = action === 'force-off' ? t.forceOffTitle(channel.displayName) : t.forceOnTitle(channel.displayName);
  let error: string | null = null;
  if (mutation.error instanceof ApiError && mutation.error.status === 403) error = t.forbidden;
  else if (mutation.error) error = mutation.error.message || t.unexpectedError;

  return (
    <dialog ref={dialog} aria-labelledby="force-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h3 id="force-title">{title}</h3>
        <label>
          {t.reason}
          <textarea name="reason" required minLength={3} maxLength={500} autoFocus aria-describedby="reason-hint" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <p id="reason-hint" className="hint">{t.reasonHint}</p>
        <label className="confirm">
          <input type="checkbox" name="confirm" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
          {t.confirm}
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="buttons">
          <button type="button" onClick={onClose}>{t.cancel}</button>
          <button type="submit" disabled={!valid || mutation.isPending}>{t.submit}</button>
        </div>
      </form>
    </dialog>
  );
}

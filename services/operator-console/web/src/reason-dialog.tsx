// A modal <dialog> for an operator's action that needs a reason: the browser keeps focus inside it and
// Escape closes it. Nothing is sent until a reason (3–500 characters, the backend's rule) is written
// and the confirmation ticked; on success the screen's query is refreshed and the dialog closes.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { QueryKey } from '@tanstack/react-query';
import { ApiError } from './api.ts';
import { useI18n } from './i18n/i18n.tsx';

interface Props {
  id: string;
  title: string;
  explain?: ReactNode;
  closeLabel: string;
  submitLabel: string;
  /** The text field's label and hint, when it is not a reason for the audit log (a complaint's resolution). */
  label?: string;
  hint?: string;
  send: (reason: string) => Promise<unknown>;
  /** The query the action changes, refetched once it succeeded. */
  refresh: QueryKey;
  onClose: () => void;
}

export function ReasonDialog({ id, title, explain, closeLabel, submitLabel, label, hint, send, refresh, onClose }: Props) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const mutation = useMutation({
    mutationFn: () => send(reason.trim()),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: refresh });
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
  let error: string | null = null;
  if (mutation.error instanceof ApiError && mutation.error.status === 403) error = t.forbidden;
  else if (mutation.error) error = mutation.error.message || t.unexpectedError;

  return (
    <dialog ref={dialog} aria-labelledby={id} onClose={onClose}>
      <form onSubmit={submit}>
        <h3 id={id}>{title}</h3>
        {explain && <p>{explain}</p>}
        <label>
          {label ?? t.reason}
          <textarea name="reason" required minLength={3} maxLength={500} autoFocus aria-describedby={`${id}-hint`} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <p id={`${id}-hint`} className="hint">{hint ?? t.reasonHint}</p>
        <label className="confirm">
          <input type="checkbox" name="confirm" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
          {t.confirm}
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="buttons">
          <button type="button" onClick={onClose}>{closeLabel}</button>
          <button type="submit" disabled={!valid || mutation.isPending}>{submitLabel}</button>
        </div>
      </form>
    </dialog>
  );
}

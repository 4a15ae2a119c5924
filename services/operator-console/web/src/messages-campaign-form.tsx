// The create form. Its Idempotency-Key is made once when the form opens and sent with every submit of
// it, so a double click (or a retry after a timeout) creates one campaign. Create is enabled only
// once the current segment has been previewed: the operator sees how many people it reaches first.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CAMPAIGNS_KEY, createCampaign, previewCampaign } from './messages-api.ts';
import type { CampaignPreview, CampaignSegmentBody } from './messages-api.ts';
import { useI18n } from './i18n/i18n.tsx';

const holderClasses = ['individual', 'business', 'public_entity'] as const;

function splitList(text: string): string[] {
  return text
    .split(/[\n,،]/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** The segment the form describes, or null when it is empty (the backend would refuse it too). */
function segmentOf(form: { everyone: boolean; governorates: string; classes: string[]; unpaidOnly: boolean; accountNos: string }): CampaignSegmentBody | null {
  if (form.everyone) return { all: true };
  const segment: CampaignSegmentBody = {};
  const governorates = splitList(form.governorates);
  const accountNos = splitList(form.accountNos);
  if (governorates.length > 0) segment.governorates = governorates;
  if (form.classes.length > 0) segment.holderClasses = form.classes as CampaignSegmentBody['holderClasses'];
  if (form.unpaidOnly) segment.unpaidOnly = true;
  if (accountNos.length > 0) segment.accountNos = accountNos;
  return Object.keys(segment).length === 0 ? null : segment;
}

export function CampaignForm({ onClose }: { onClose: () => void }) {
  const { t, formatNumber } = useI18n();
  const queryClient = useQueryClient();
  const [formKey] = useState(() => crypto.randomUUID());
  const [name, setName] = useState('');
  const [textAr, setTextAr] = useState('');
  const [textEn, setTextEn] = useState('');
  const [everyone, setEveryone] = useState(false);
  const [governorates, setGovernorates] = useState('');
  const [classes, setClasses] = useState<string[]>([]);
  const [unpaidOnly, setUnpaidOnly] = useState(false);
  const [accountNos, setAccountNos] = useState('');
  const segment = segmentOf({ everyone, governorates, classes, unpaidOnly, accountNos });
  const segmentText = JSON.stringify(segment);
  const [previewed, setPreviewed] = useState<{ segment: string; result: CampaignPreview } | null>(null);
  const preview = useMutation({
    mutationFn: (s: CampaignSegmentBody) => previewCampaign(s),
    onSuccess: (result, s) => setPreviewed({ segment: JSON.stringify(s), result }),
  });
  const create = useMutation({
    mutationFn: (s: CampaignSegmentBody) =>
      createCampaign({ name: name.trim(), text: { ar: textAr, ...(textEn.trim() === '' ? {} : { en: textEn }) }, segment: s }, formKey),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: CAMPAIGNS_KEY });
      onClose();
    },
  });
  // The preview shown must be of the segment as it is now: any change asks for a new one.
  const current = previewed !== null && previewed.segment === segmentText ? previewed.result : null;
  const canCreate = segment !== null && current !== null && name.trim() !== '' && textAr.trim() !== '' && !create.isPending;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (canCreate) create.mutate(segment);
  };
  const error = create.error ?? preview.error;

  return (
    <form onSubmit={submit} className="campaign-form" aria-labelledby="campaign-form-title">
      <h4 id="campaign-form-title">{t.messages.formTitle}</h4>
      <label>
        {t.messages.name}
        <input name="name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t.messages.textAr}
        <textarea name="textAr" dir="rtl" lang="ar" required maxLength={1000} value={textAr} onChange={(e) => setTextAr(e.target.value)} />
      </label>
      <label>
        {t.messages.textEn}
        <textarea name="textEn" dir="ltr" lang="en" maxLength={1000} value={textEn} onChange={(e) => setTextEn(e.target.value)} />
      </label>
      <fieldset>
        <legend>{t.messages.segment}</legend>
        <label className="confirm">
          <input type="checkbox" name="everyone" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} />
          {t.messages.everyone}
        </label>
        <label>
          {t.messages.governorates}
          <input name="governorates" disabled={everyone} value={governorates} onChange={(e) => setGovernorates(e.target.value)} />
        </label>
        <fieldset disabled={everyone}>
          <legend>{t.messages.holderClasses}</legend>
          {holderClasses.map((c) => (
            <label key={c} className="confirm">
              <input
                type="checkbox"
                name={`class-${c}`}
                checked={classes.includes(c)}
                onChange={(e) => setClasses(e.target.checked ? [...classes, c] : classes.filter((x) => x !== c))}
              />
              {t.messages.holderClass[c]}
            </label>
          ))}
        </fieldset>
        <label className="confirm">
          <input type="checkbox" name="unpaidOnly" disabled={everyone} checked={unpaidOnly} onChange={(e) => setUnpaidOnly(e.target.checked)} />
          {t.messages.unpaidOnly}
        </label>
        <label>
          {t.messages.accountNos}
          <textarea name="accountNos" dir="ltr" disabled={everyone} value={accountNos} onChange={(e) => setAccountNos(e.target.value)} />
        </label>
      </fieldset>
      {segment === null && <p className="hint">{t.messages.emptySegment}</p>}
      <div className="buttons">
        <button type="button" disabled={segment === null || preview.isPending} onClick={() => segment && preview.mutate(segment)}>{t.messages.preview}</button>
      </div>
      <p role="status" data-testid="preview">
        {current
          ? t.messages.previewResult(formatNumber(current.recipients), formatNumber(current.optedOut), formatNumber(current.withoutMobile))
          : t.messages.previewFirst}
      </p>
      {error && <p role="alert" className="error">{error.message || t.unexpectedError}</p>}
      <div className="buttons">
        <button type="button" onClick={onClose}>{t.cancel}</button>
        <button type="submit" disabled={!canCreate}>{t.messages.create}</button>
      </div>
    </form>
  );
}

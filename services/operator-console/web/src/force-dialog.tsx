// Force a channel off or back on: the reason and the confirmation the backend and the audit need.
import { CHANNELS_KEY, forceChannel } from './api.ts';
import type { Channel } from './api.ts';
import { useI18n } from './i18n/i18n.tsx';
import { ReasonDialog } from './reason-dialog.tsx';

interface Props {
  channel: Channel;
  action: 'force-off' | 'force-on';
  onClose: () => void;
}

export function ForceDialog({ channel, action, onClose }: Props) {
  const { t } = useI18n();
  return (
    <ReasonDialog
      id="force-title"
      title={action === 'force-off' ? t.forceOffTitle(channel.displayName) : t.forceOnTitle(channel.displayName)}
      closeLabel={t.cancel}
      submitLabel={t.submit}
      send={(reason) => forceChannel(channel.channelId, action, reason)}
      refresh={CHANNELS_KEY}
      onClose={onClose}
    />
  );
}

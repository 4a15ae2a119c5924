// Messages (screen 6): a subscriber's SMS and opt-out by number, the numbers opted out now, and the
// campaigns with their progress, cancel and the create form (operator and admin only; the backend
// refuses the others all the same). Each part is its own small component file.
import { MessagesCampaigns } from './messages-campaigns.tsx';
import { OptOutList, SubscriberLookup } from './messages-subscriber.tsx';
import { useI18n } from './i18n/i18n.tsx';

export function MessagesScreen({ canAct }: { canAct: boolean }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="messages-title" className="messages">
      <h2 id="messages-title">{t.messages.title}</h2>
      <SubscriberLookup />
      <MessagesCampaigns canAct={canAct} />
      <OptOutList />
    </section>
  );
}

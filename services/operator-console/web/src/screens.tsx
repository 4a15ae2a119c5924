// The screens of the navigation, in its order. A screen is listed only once it is built (no stubs);
// `roles` limits who sees it (the backend refuses the others all the same).
import type { ReactNode } from 'react';
import { AdoptionScreen } from './adoption.tsx';
import type { Role } from './api.ts';
import { Audit } from './audit.tsx';
import { Channels } from './channels.tsx';
import { CollectionsScreen } from './collections.tsx';
import { ComplaintsScreen } from './complaints.tsx';
import { FindPayment, findScreenId } from './find-payment.tsx';
import { IntentsScreen } from './intents.tsx';
import type { Messages } from './i18n/en.ts';
import { MessagesScreen } from './messages.tsx';
import { Outbox } from './outbox.tsx';
import { Overview } from './overview.tsx';
import { ReconciliationScreen } from './reconciliation.tsx';
import { SettingsScreen } from './settings.tsx';

export interface ScreenProps {
  /** The person's role may act (operator or admin), not only read. */
  canAct: boolean;
}

export interface ScreenDef {
  id: string;
  label: (t: Messages) => string;
  roles?: readonly Role[];
  render: (props: ScreenProps) => ReactNode;
}

export const screens: readonly ScreenDef[] = [
  { id: 'overview', label: (t) => t.overview.nav, render: () => <Overview /> },
  { id: 'channels', label: (t) => t.navChannels, render: ({ canAct }) => <Channels canAct={canAct} /> },
  { id: findScreenId, label: (t) => t.findPayment.nav, render: () => <FindPayment /> },
  { id: 'intents', label: (t) => t.intents.nav, render: ({ canAct }) => <IntentsScreen canAct={canAct} /> },
  { id: 'reconciliation', label: (t) => t.reconciliation.nav, render: ({ canAct }) => <ReconciliationScreen canAct={canAct} /> },
  { id: 'complaints', label: (t) => t.complaints.nav, render: ({ canAct }) => <ComplaintsScreen canAct={canAct} /> },
  { id: 'outbox', label: (t) => t.navOutbox, render: ({ canAct }) => <Outbox canAct={canAct} /> },
  { id: 'adoption', label: (t) => t.adoption.nav, render: () => <AdoptionScreen /> },
  { id: 'collections', label: (t) => t.collections.nav, render: () => <CollectionsScreen /> },
  { id: 'messages', label: (t) => t.messages.nav, render: ({ canAct }) => <MessagesScreen canAct={canAct} /> },
  { id: 'audit', label: (t) => t.audit.nav, roles: ['admin'], render: () => <Audit /> },
  { id: 'settings', label: (t) => t.settings.nav, roles: ['admin'], render: () => <SettingsScreen /> },
];

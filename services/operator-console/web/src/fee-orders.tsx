// The government fee orders on the Fees and collections screen: the newest 100 of one fee biller (or of
// all), in one state or any: order reference, service, state (awaiting payment, paid, expired,
// cancelled), amount, receipt once paid, and when it was ordered and expires (or was paid). Billing
// reads each order's state off its bill and the clock; this only shows it.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { feeOrderStatuses } from '@gateway/contracts';
import { ApiError } from './api.ts';
import { listFeeOrders } from './fee-orders-api.ts';
import type { FeeOrderStatus } from './fee-orders-api.ts';
import { useI18n } from './i18n/i18n.tsx';

/** `feeBillers`: the billers to offer (those whose fee orders show in the collections). */
export function FeeOrders({ feeBillers }: { feeBillers: readonly string[] }) {
  const { t, formatTime, formatMoney } = useI18n();
  const [billerId, setBillerId] = useState<string | null>(null);
  const [status, setStatus] = useState<FeeOrderStatus | null>(null);
  const orders = useQuery({ queryKey: ['fee-orders', billerId, status], queryFn: () => listFeeOrders({ billerId, status }), refetchInterval: 30_000 });
  const billerName = (id: string) => t.collections.biller[id] ?? id;
  const serviceName = (code: string) => t.collections.service[code] ?? code;
  const billers = billerId === null || feeBillers.includes(billerId) ? feeBillers : [...feeBillers, billerId];

  return (
    <section aria-labelledby="fee-orders-title">
      <h3 id="fee-orders-title">{t.feeOrders.title}</h3>
      <div className="filters">
        <label>
          {t.feeOrders.biller}
          <select value={billerId ?? ''} onChange={(e) => setBillerId(e.target.value === '' ? null : e.target.value)} data-testid="fee-orders-biller">
            <option value="">{t.feeOrders.allBillers}</option>
            {billers.map((id) => (
              <option key={id} value={id}>{billerName(id)}</option>
            ))}
          </select>
        </label>
        <label>
          {t.feeOrders.status}
          <select value={status ?? ''} onChange={(e) => setStatus(e.target.value === '' ? null : (e.target.value as FeeOrderStatus))} data-testid="fee-orders-status">
            <option value="">{t.feeOrders.anyStatus}</option>
            {feeOrderStatuses.map((s) => (
              <option key={s} value={s}>{t.feeOrders.state[s]}</option>
            ))}
          </select>
        </label>
      </div>
      {orders.isPending && <p role="status">{t.loading}</p>}
      {orders.isError && (
        <p role="alert" className="error">
          {orders.error instanceof ApiError && orders.error.code === 'service_unavailable' ? t.collections.billingDown : orders.error.message || t.unexpectedError}
        </p>
      )}
      {orders.data && orders.data.orders.length === 0 && <p>{t.feeOrders.none}</p>}
      {orders.data && orders.data.orders.length > 0 && (
        <table className="channels" data-testid="fee-orders">
          {orders.data.more && <caption className="hint-inline" style={{ textAlign: 'start' }}>{t.feeOrders.more(orders.data.orders.length)}</caption>}
          <thead>
            <tr>
              <th scope="col">{t.feeOrders.col.orderRef}</th>
              <th scope="col">{t.feeOrders.col.service}</th>
              <th scope="col">{t.feeOrders.col.status}</th>
              <th scope="col">{t.feeOrders.col.amount}</th>
              <th scope="col">{t.feeOrders.col.receipt}</th>
              <th scope="col">{t.feeOrders.col.ordered}</th>
              <th scope="col">{t.feeOrders.col.expiresOrPaid}</th>
            </tr>
          </thead>
          <tbody>
            {orders.data.orders.map((o) => (
              <tr key={o.orderRef} data-order={o.orderRef} data-status={o.status}>
                <th scope="row"><bdi>{o.orderRef}</bdi></th>
                <td><bdi>{serviceName(o.serviceCode)}</bdi>{billerId === null && <> · <bdi className="channel-id">{billerName(o.billerId)}</bdi></>}</td>
                <td><span className={`state fee-${o.status}`} data-cell="status">{t.feeOrders.state[o.status]}</span></td>
                <td data-cell="amount">{formatMoney(o.amount)}</td>
                <td data-cell="receipt">{o.receiptNo === undefined ? '—' : <bdi>{o.receiptNo}</bdi>}</td>
                <td>{formatTime(o.createdAt)}</td>
                <td>{o.paidAt === undefined ? t.feeOrders.expires(formatTime(o.expiresAt)) : t.feeOrders.paidAt(formatTime(o.paidAt))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

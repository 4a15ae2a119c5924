// The one name of this service: its logger's and its metrics' service label.
export const serviceName = 'operator-console';

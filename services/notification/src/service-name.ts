// The one name of this service: the producer of every event it publishes, its logger's and its
// metrics' service label, its inbox and outbox owner.
export const serviceName = 'notification';

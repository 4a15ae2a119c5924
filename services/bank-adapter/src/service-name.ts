// The service's one name: the producer of every event it publishes, and its logger's name.
export const serviceName = 'bank-adapter';

// The service's name: the producer of every event it writes and the name its logger and server carry.
export const serviceName = 'payment-orchestration';

// The service's one name: the producer of every event billing publishes and the name its logger and
// server carry. Imported wherever a producer or service name is needed, never spelled out again.
export const serviceName = 'billing';

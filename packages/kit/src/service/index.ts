export { startInfrastructure } from './start-infrastructure.ts';
export type { ServiceInfrastructure, StartInfrastructureOptions } from './start-infrastructure.ts';
export { listenHttp } from './listen-http.ts';

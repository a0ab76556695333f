/** Realtime subscriptions (PocketBase SSE protocol and Basalt's WebSocket extension). */
export type { ClientTransport, RealtimeClient } from './realtime-client.ts';
export { type RealtimeServiceOptions, type RealtimeSettings, RealtimeService } from './realtime-service.ts';
export { sseTransport } from './sse-transport.ts';
export { type WsSocket, wsTransport } from './ws-transport.ts';

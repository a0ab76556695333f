import type { OAuth2RedirectPublisher } from '../auth/oauth2/index.ts';
import type { RealtimeService } from '../realtime/index.ts';

/** The realtime topic the SDK's `authWithOAuth2` waits on (PocketBase's name). */
export const OAUTH2_TOPIC = '@oauth2';

/**
 * Delivers provider redirects over realtime: the `state` is the id of the waiting
 * client's connection, which must be subscribed to `@oauth2` on this node. The
 * subscription is one-shot, so a replayed redirect with the same state fails.
 */
export function realtimeRedirectPublisher(realtime: RealtimeService): OAuth2RedirectPublisher {
  return {
    async deliver(message) {
      const client = realtime.client(message.state);
      if (!client || client.closed) return false;
      const keys = [...client.subscriptions.values()]
        .filter((s) => s.topic === OAUTH2_TOPIC)
        .map((s) => s.key);
      if (!keys.length) return false;
      client.setSubscriptions([...client.subscriptions.values()].filter((s) => s.topic !== OAUTH2_TOPIC));
      await realtime.sendToClient(client.id, OAUTH2_TOPIC, message);
      return true;
    },
  };
}

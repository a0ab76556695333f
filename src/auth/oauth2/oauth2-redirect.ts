/** What the provider sends back to `/api/oauth2-redirect`. */
export interface OAuth2RedirectMessage {
  state: string;
  code: string;
  error?: string;
}

/**
 * Hands a provider's redirect to the client that started the flow. In the SDK's
 * realtime-based flow the `state` is the id of the client's realtime connection,
 * subscribed to the `@oauth2` topic; `deliver` answers false when no such client waits
 * (wrong or stale state), and the redirect then ends on the failure page.
 */
export interface OAuth2RedirectPublisher {
  deliver(message: OAuth2RedirectMessage): boolean | Promise<boolean>;
}

/** Used while no realtime service is wired: nobody can be waiting, so every redirect fails. */
export const noRedirectPublisher: OAuth2RedirectPublisher = { deliver: () => false };

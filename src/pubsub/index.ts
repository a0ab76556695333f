/** Pub/sub between nodes: the contract, its helpers and the URL → driver table. */
export {
  checkPattern,
  checkTopic,
  type PubSubCapabilities,
  type PubSubDriver,
  PubSubError,
  type PubSubHandler,
  topicMatches,
} from './pubsub-driver.ts';
export { openPubSub } from './open-pubsub.ts';

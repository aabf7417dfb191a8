export { TikTokEmulator, type EmulatorOptions } from './server';
export { type DeliveryAttempt, type WebhookDelivery } from './webhooks';
export { DEFAULT_PEOPLE, parsePeople, type EmulatedPerson } from './people';
export {
  FAULTS,
  answerTogether,
  htmlError,
  rateLimitExceeded,
  tikTokError,
  type Fault,
} from './faults';

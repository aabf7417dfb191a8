export { TikTokEmulator, type EmulatorOptions } from './server';
export { DEFAULT_PEOPLE, parsePeople, type EmulatedPerson } from './people';
export { FAULTS, answerTogether, rateLimitExceeded, tikTokError, type Fault } from './faults';

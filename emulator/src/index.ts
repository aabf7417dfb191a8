export { TikTokEmulator, type EmulatorOptions } from './server';
export { DEFAULT_PEOPLE, type EmulatedPerson } from './people';

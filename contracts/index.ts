// What the admin page and the server agree on: one definition, imported by both sides.
export * from './credentials';
export * from './identity';
export * from './plugin';
export * from './settings';
export * from './status';

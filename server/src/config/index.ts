import { parseConfig } from './parse';

export default {
  // Env fallbacks and defaults come from the settings table (settings.ts), applied by parseConfig
  // alone: Strapi's own merge of `default` would be a second precedence.
  default: {},
  validator(config: unknown) {
    parseConfig(config, process.env);
  },
};

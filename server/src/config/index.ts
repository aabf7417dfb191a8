import { parseConfig } from './parse';

export default {
  // Defaults and env fallbacks are applied by parseConfig, so that one function decides them.
  default: {},
  validator(config: unknown) {
    parseConfig(config, process.env);
  },
};

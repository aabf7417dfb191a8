import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/**
 * The command-line conventions of the emulator and the demo: `--help` prints the usage, a
 * mistake prints what is wrong and the usage, and exits with status 2.
 */
export const commandLine = (name: string, usage: string) => {
  const fail = (message: string): never => {
    process.stderr.write(`${name}: ${message}\n\n${usage}`);
    process.exit(2);
  };

  return {
    fail,

    /** The options' values; `options` must declare a boolean `help`, which is handled here. */
    parse: <O extends ParseArgsOptionsConfig & { help: { type: 'boolean' } }>(options: O) => {
      const config = { options };
      let parsed: ReturnType<typeof parseArgs<typeof config>>;
      try {
        parsed = parseArgs(config);
      } catch (error) {
        return fail((error as Error).message);
      }
      if ((parsed.values as { help?: boolean }).help) {
        process.stdout.write(usage);
        process.exit(0);
      }
      return parsed.values;
    },

    port: (flag: string, value: string): number => {
      const port = Number(value);
      return Number.isInteger(port) && port >= 0 && port <= 65535
        ? port
        : fail(`--${flag} ${value} is not a port`);
    },
  };
};

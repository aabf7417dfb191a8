// Writes a minimal Strapi app pinned to one version (create-strapi-app of old versions does not
// resolve here): every @strapi/* package is held at that version through npm `overrides`, so the
// plugin's peer ranges are checked against exactly what that Strapi ships.
const fs = require('node:fs');
const path = require('node:path');

const [dir, version] = process.argv.slice(2);
if (!dir || !version) throw new Error('usage: node make-app.js <dir> <strapi version>');

const write = (file, text) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};

const strapiPackages = ['@strapi/strapi', '@strapi/plugin-users-permissions'];
write(
  'package.json',
  JSON.stringify(
    {
      name: `tiktok-auth-compat-${version.replace(/\./g, '-')}`,
      private: true,
      version: '0.0.0',
      scripts: { build: 'strapi build', start: 'strapi start' },
      dependencies: {
        ...Object.fromEntries(strapiPackages.map((name) => [name, version])),
        'better-sqlite3': '12.9.0',
        react: '^18.3.1',
        'react-dom': '^18.3.1',
        'react-router-dom': '^6.30.0',
        'styled-components': '^6.1.19',
      },
      overrides: Object.fromEntries(
        [
          ...strapiPackages,
          '@strapi/admin',
          '@strapi/core',
          '@strapi/utils',
          '@strapi/types',
          '@strapi/database',
          '@strapi/content-manager',
          '@strapi/content-type-builder',
          '@strapi/upload',
          '@strapi/i18n',
          '@strapi/email',
          '@strapi/permissions',
          '@strapi/typescript-utils',
          '@strapi/data-transfer',
          '@strapi/generators',
          '@strapi/logger',
          '@strapi/cloud-cli',
          '@strapi/review-workflows',
          '@strapi/content-releases',
        ].map((name) => [name, version])
      ),
      engines: { node: '>=20' },
    },
    null,
    2
  ) + '\n'
);

write(
  'config/server.js',
  `module.exports = ({ env }) => ({
  host: '127.0.0.1',
  port: env.int('PORT', 1337),
  app: { keys: ['compat-key-a', 'compat-key-b'] },
});
`
);
write(
  'config/admin.js',
  `module.exports = () => ({
  auth: { secret: 'compat-admin-jwt-secret' },
  apiToken: { salt: 'compat-api-token-salt' },
  transfer: { token: { salt: 'compat-transfer-token-salt' } },
  secrets: { encryptionKey: 'compat-encryption-key-32-chars!!' },
});
`
);
write(
  'config/database.js',
  `const path = require('node:path');
module.exports = () => ({
  connection: {
    client: 'sqlite',
    connection: { filename: path.join(__dirname, '..', '.tmp', 'data.db') },
    useNullAsDefault: true,
  },
});
`
);
write(
  'config/middlewares.js',
  `module.exports = ['strapi::logger', 'strapi::errors', 'strapi::security', 'strapi::cors',
  'strapi::poweredBy', 'strapi::query', 'strapi::body', 'strapi::session', 'strapi::favicon',
  'strapi::public'];
`
);
// No plugin config: the settings come from the environment, as the README tells a new user.
write(
  'config/plugins.js',
  `module.exports = () => ({
  'tiktok-auth-mobile': { enabled: true },
  'users-permissions': { config: { jwtSecret: 'compat-users-permissions-jwt-secret' } },
});
`
);
write('src/index.js', 'module.exports = { register() {}, bootstrap() {} };\n');
write('public/uploads/.gitkeep', '');

const fs = require('node:fs');
const path = require('node:path');

// The playground loads the *built* plugin; fail early and clearly instead of booting without it.
module.exports = async () => {
  const entry = path.join(__dirname, '..', '..', 'dist', 'server', 'index.js');
  if (!fs.existsSync(entry)) {
    throw new Error(`${entry} is missing: run \`npm run build\` (npm test does it for you).`);
  }
};

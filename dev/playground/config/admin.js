module.exports = ({ env }) => ({
  // The tests and the curl walkthrough need no admin panel; SERVE_ADMIN=true brings it back.
  serveAdminPanel: env.bool('SERVE_ADMIN', false),
  auth: { secret: env('ADMIN_JWT_SECRET', 'playground-admin-jwt-secret') },
  apiToken: { salt: env('API_TOKEN_SALT', 'playground-api-token-salt') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT', 'playground-transfer-token-salt') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY', 'playground-encryption-key-32chars') },
});

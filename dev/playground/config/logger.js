// LOG_LEVEL sets how much Strapi prints (default: Strapi's own `http`); `silent` prints nothing,
// which the tests use: they capture every log line themselves and print none of the expected
// errors that hostile requests cause.
module.exports = ({ env }) => {
  const level = env('LOG_LEVEL', 'http');
  return level === 'silent' ? { level: 'error', silent: true } : { level };
};

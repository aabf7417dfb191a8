// LOG_LEVEL lets the tests keep their output to errors; the default is Strapi's own.
module.exports = ({ env }) => ({ level: env('LOG_LEVEL', 'http') });

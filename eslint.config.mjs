// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * `npm run lint`: the plugin (server, admin, contracts) and the lab (dev, tests), zero warnings.
 * TypeScript is checked with type information (floating and misused promises, needless
 * assertions, objects stringified by accident: about 50 s on two cores); plain JavaScript
 * (Strapi's config files, the child-process script) without. React's hooks rules for admin/.
 */
export default defineConfig(
  {
    ignores: [
      '**/dist/',
      '.tmp/',
      'coverage/',
      'dev/playground/.strapi/',
      'dev/playground/.tmp/',
      'dev/playground/build/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // An async method without await is how a Promise-returning interface (Strapi's life cycle,
      // a rate-limit store, a fake of Strapi's query API) is implemented; the promise rules that
      // catch real mistakes (no-floating-promises, no-misused-promises) stay on.
      '@typescript-eslint/require-await': 'off',
      // Strapi 5 types its registries, services, query results and Koa context helpers as `any`
      // (`strapi.service()`, `strapi.plugin().service()`, `ctx.forbidden()`, `findOne()`): these
      // rules would flag every call into Strapi, not a mistake. Typed wrappers (getService) are
      // the remedy where they exist.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allow: [
            { name: ['Error', 'URL', 'URLSearchParams'], from: 'lib' },
            { name: 'URLSearchParams', from: 'package', package: 'url' },
          ],
        },
      ],
    },
  },
  { files: ['**/*.{js,cjs,mjs}'], extends: [tseslint.configs.disableTypeChecked] },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['admin/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
    // react-intl's documented `const { formatMessage } = useIntl()`: its methods are bound.
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  { files: ['dev/demo/web/**/*.ts'], languageOptions: { globals: globals.browser } },
  {
    files: ['tests/**/*.{ts,js}'],
    languageOptions: { globals: globals.jest },
    // `expect(fake.method).toHaveBeenCalled()` passes a method without calling it.
    rules: { '@typescript-eslint/unbound-method': 'off' },
  }
);

// `npm run lint`. For now one rule: the rooms' doors and layers (scripts/lint/rooms.js). The
// parser only reads syntax; tsc does the type checking.
import tsParser from '@typescript-eslint/parser';
import { rooms } from './scripts/lint/rooms.js';

export default [
  { ignores: ['node_modules/', 'dist/', 'test/', '**/*.gen.js'] },
  {
    files: ['**/*.ts', '**/*.js'],
    languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { streamwright: { rules: { rooms } } },
    rules: { 'streamwright/rooms': 'error' },
  },
];

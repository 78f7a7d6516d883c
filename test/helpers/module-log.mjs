// node --import ./test/helpers/module-log.mjs ...: log loaded modules (see module-log-hooks.mjs).
import { register } from 'node:module';

register('./module-log-hooks.mjs', import.meta.url);

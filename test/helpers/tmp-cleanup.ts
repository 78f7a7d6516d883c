// Set-up file of every test file: its temporary directories go when it ends.
import { afterAll } from 'vitest';
import { removeTestTempDirs } from './tmp.ts';

afterAll(removeTestTempDirs);

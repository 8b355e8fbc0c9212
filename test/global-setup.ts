import { PAGILA_DATABASE, dropDatabase, loadPagila, withClient } from './helpers/databases.js';

/** Loads pagila once for the whole integration run: tests read it and never write to it. */
export default async function setup(): Promise<() => Promise<void>> {
  await dropDatabase(PAGILA_DATABASE);
  await withClient('postgres', (c) => c.query(`CREATE DATABASE "${PAGILA_DATABASE}"`));
  await loadPagila(PAGILA_DATABASE);
  return async () => {
    await dropDatabase(PAGILA_DATABASE);
  };
}

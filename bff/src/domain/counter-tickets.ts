/**
 * Predicted values of a gap-free counter (counters.ts), for work that prints the value and is done before the
 * transaction that takes it: the approval signs the new registration's certificate, which prints its
 * registration number, before its transaction (issue 14). The counter stays the only source of the number
 * (taken inside the transaction, gap-free); a ticket only predicts it, and the transaction compares.
 *
 * In one process the prediction is exact: tickets of one counter are numbered in the order they are taken
 * (the counter's value read once, then +1, +2, … for the tickets in flight), and each ticket's transaction
 * starts only after the one before it has settled (`inTurn`), so the counter is taken in the same order. The
 * work before (the signature) still runs in parallel. A prediction is wrong when another process, an import
 * or a ticket's failed transaction took or skipped a value in between: the caller then finds a different
 * number in its transaction and does the work again there (slower, never wrong).
 */
import type { Db } from '../db/database.js';

interface Chain {
  /** The counter's value when the first ticket in flight was taken. */
  base: Promise<number>;
  issued: number;
  open: number;
  /** Settles when the newest ticket's turn is over. */
  tail: Promise<void>;
}

/** A prediction of a counter's next value and the turn of the transaction that takes it. */
export interface CounterTicket {
  /** The value the transaction is expected to take (rejects if the counter could not be read). */
  predicted: Promise<number>;
  /** Runs `fn` (the transaction) once the previous ticket's turn is over; ends this ticket's turn. */
  inTurn<T>(fn: () => Promise<T>): Promise<T>;
  /** Ends this ticket's turn without a transaction (idempotent; call it in a `finally`). */
  release(): void;
}

const chains = new WeakMap<Db, Map<string, Chain>>();

/** A ticket for the next value of counter `name` in database `db`; the caller must end it (inTurn or release). */
export function counterTicket(db: Db, name: string): CounterTicket {
  let perDb = chains.get(db);
  if (!perDb) chains.set(db, (perDb = new Map()));
  let chain = perDb.get(name);
  if (!chain) {
    const base = db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst()
      .then((r) => Number(r?.value ?? 0));
    base.catch(() => undefined);
    chain = { base, issued: 0, open: 0, tail: Promise.resolve() };
    perDb.set(name, chain);
  }
  const c = chain;
  const k = ++c.issued;
  c.open++;
  const before = c.tail;
  let done!: () => void;
  c.tail = new Promise<void>((resolve) => (done = resolve));
  let ended = false;
  const release = () => {
    if (ended) return;
    ended = true;
    done();
    if (--c.open === 0 && perDb.get(name) === c) perDb.delete(name);
  };
  return {
    predicted: c.base.then((v) => v + k),
    async inTurn(fn) {
      await before;
      try {
        return await fn();
      } finally {
        release();
      }
    },
    release,
  };
}

/** How many tickets of counter `name` in `db` are in flight in this process (for tests). */
export function ticketsInFlight(db: Db, name: string): number {
  return chains.get(db)?.get(name)?.open ?? 0;
}

// The reservation ledger: container name → static IP, kept on the jump host. Behind this interface so a
// later issue can put it (with the locks and the journal) on etcd, shared by several jump hosts.

export interface Reservation {
  /** The container name the address belongs to: the same name gets the same address back. */
  name: string;
  pool: string;
  ip: string;
  line: string | null;
  /** Where the container was placed when reserved (informational: a migration keeps the address). */
  host: string | null;
  /** ISO time of the reservation. */
  at: string;
  /** Operator as user@jump-host. */
  by: string;
}

export interface Ledger {
  /** Every reservation now. */
  list(): Promise<Reservation[]>;
  /**
   * Reads the reservations, lets `change` decide, and writes what it returns, all under one lock that
   * holds across processes on this jump host. Nothing is written when `change` throws.
   */
  update<T>(change: (current: readonly Reservation[]) => { next: Reservation[]; result: T }): Promise<T>;
}

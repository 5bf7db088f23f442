// An event storm at a set total rate across the fleet: containers die and come back (a restart storm at a
// traffic peak), some pause and resume. Each event is a real state change of a hollow host.

/** mulberry32: a small seeded PRNG, so two runs of a benchmark see the same storm. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One storm event on a random container of a random host; returns the number of events emitted (1). */
function stormEvent(host, containers, random) {
  const c = containers[Math.floor(random() * containers.length)];
  if (c.name.startsWith('probe-')) return 0; // the probes change only when the benchmark renames them
  if (c.state === 'running') {
    if (random() < 0.9) host.die(c, 137);
    else host.pause(c);
  } else if (c.state === 'paused') host.unpause(c);
  else host.start(c);
  return 1;
}

export class Storm {
  constructor(hosts, seed = 7) {
    this.hosts = hosts;
    this.lists = hosts.map((h) => [...h.byId.values()]);
    this.random = prng(seed);
    this.rate = 0;
    this.carry = 0;
    this.last = performance.now();
    this.emitted = 0;
    this.timer = null;
  }

  /** Events per second across all hosts; 0 stops the storm. */
  setRate(rate) {
    this.rate = rate;
    this.carry = 0;
    this.last = performance.now();
    if (rate > 0 && !this.timer) this.timer = setInterval(() => this.tick(), 5);
    if (rate === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  tick() {
    const now = performance.now();
    // Late timers catch up (the total is what was asked for), but never more than a second's worth at once.
    this.carry = Math.min(this.rate, this.carry + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    while (this.carry >= 1) {
      const i = Math.floor(this.random() * this.hosts.length);
      const n = stormEvent(this.hosts[i], this.lists[i], this.random);
      this.carry -= 1;
      this.emitted += n;
    }
  }
}

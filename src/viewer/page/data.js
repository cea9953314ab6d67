// @ts-check
// The page's model: indexes over the embedded columns, the details (decompressed after the
// first paint), and each node's state after an event, expanded from compact deltas.

/** Fields of a node's state that are sets (docs/trace-format.md, "Compact events"). */
const SET_FIELDS = ['aAccepted', 'lProposals', 'commanders', 'rRequests', 'rProposals', 'rDecisions', 'invoked'];
/** States kept per lane while expanding deltas, so that a click far into a run replays at most this many. */
const CHECKPOINT_EVERY = 256;

/**
 * A node's state while deltas are applied: set fields as maps from canonical text to element.
 * @typedef {{ fields: Record<string, unknown>, sets: Map<string, Map<string, unknown>> }} WorkState
 */

/** @param {unknown} state @returns {WorkState} */
function workState(state) {
  const fields = isObj(state) ? { ...state } : {};
  /** @type {Map<string, Map<string, unknown>>} */
  const sets = new Map();
  for (const f of SET_FIELDS) {
    const v = fields[f];
    if (Array.isArray(v)) { sets.set(f, new Map(v.map((x) => [canonical(x), x]))); delete fields[f]; }
  }
  return { fields, sets };
}

/** @param {WorkState} w @returns {WorkState} */
function copyWork(w) {
  return { fields: { ...w.fields }, sets: new Map([...w.sets].map(([k, m]) => [k, new Map(m)])) };
}

/** @param {WorkState} w @returns {Obj} */
function plainState(w) {
  /** @type {Obj} */
  const out = { ...w.fields };
  for (const [f, m] of w.sets) out[f] = [...m.values()];
  return out;
}

/**
 * Applies a compact event's delta (docs/trace-format.md); problems are returned, not thrown.
 * `welcomeHistory(L)` gives the first L requests of the history a Welcome carried, for a reset
 * by length (`{"reset": {"historyLength": L}}` where a Welcome is installed), or null when the
 * page cannot find it: those requests are then shown as unknown, L of them, so that later
 * lengths (a truncate, a snapshot's) still count right.
 * @param {WorkState} w @param {Obj} delta @param {(length: number) => unknown[] | null} welcomeHistory
 * @returns {string[]}
 */
function applyDelta(w, delta, welcomeHistory) {
  const problems = [];
  for (const [f, change] of Object.entries(delta)) {
    if (f === 'rExecuted' && isObj(change)) {
      let seq = Array.isArray(w.fields.rExecuted) ? w.fields.rExecuted : [];
      // reset or truncate first, then append (never both of the first two).
      if (Array.isArray(change.reset)) seq = [...change.reset];
      else if (isObj(change.reset) && typeof change.reset.historyLength === 'number') {
        const length = change.reset.historyLength;
        const found = welcomeHistory(length);
        if (found === null) problems.push(`resets rExecuted to the ${length} requests of the Welcome it installs, which the page cannot find: shown as unknown`);
        seq = found ?? Array.from({ length }, () => '(a request of the Welcome installed here: not found)');
      }
      if (typeof change.truncate === 'number') {
        if (change.truncate > seq.length) problems.push(`truncates rExecuted to ${change.truncate} requests, but it holds ${seq.length}`);
        seq = seq.slice(0, change.truncate);
      }
      if (Array.isArray(change.append)) seq = [...seq, ...change.append];
      w.fields.rExecuted = seq;
    } else if (SET_FIELDS.includes(f) && isObj(change)) {
      let m = w.sets.get(f);
      if (m === undefined) { m = new Map(); w.sets.set(f, m); }
      for (const x of Array.isArray(change.remove) ? change.remove : []) {
        if (!m.delete(canonical(x))) problems.push(`removes from ${f} an element it does not hold: ${shortJson(x, 200)}`);
      }
      for (const x of Array.isArray(change.add) ? change.add : []) {
        const k = canonical(x);
        if (m.has(k)) problems.push(`adds to ${f} an element it already holds: ${shortJson(x, 200)}`);
        m.set(k, x);
      }
    } else if (f !== 'rSnap' || !isObj(change) || typeof change.executedLength !== 'number') {
      w.fields[f] = change;
    }
  }
  // A snapshot by length: the first k requests of rExecuted as this event leaves it.
  const snap = delta.rSnap;
  if (isObj(snap) && typeof snap.executedLength === 'number') {
    const executed = Array.isArray(w.fields.rExecuted) ? w.fields.rExecuted : [];
    if (snap.executedLength > executed.length) problems.push(`gives rSnap the first ${snap.executedLength} requests of rExecuted, which holds ${executed.length}`);
    w.fields.rSnap = { slot: snap.slot, executed: executed.slice(0, snap.executedLength) };
  }
  return problems;
}

/**
 * A whole state that names a history by length (a restart written whole: docs/trace-format.md,
 * "Histories by length"), with each such history put back: the first L requests of the node's
 * history at its previous event, `previous`. Unknown requests stand in for any the page lacks.
 * @param {Obj} state @param {unknown} previous @returns {{ state: Obj, problems: string[] }}
 */
function historiesByLength(state, previous) {
  /** @type {string[]} */
  const problems = [];
  const had = Array.isArray(previous) ? previous : [];
  /** @param {unknown} v @param {string} what */
  const resolve = (v, what) => {
    if (!isObj(v) || typeof v.historyLength !== 'number') return v;
    const length = v.historyLength;
    if (length <= had.length) return had.slice(0, length);
    problems.push(`names ${what} by length, ${length} requests, where the node's previous event held ${had.length}: shown as unknown past those`);
    return [...had, ...Array.from({ length: length - had.length }, () => '(a request of the history before the restart: not in the trace)')];
  };
  /** @type {Obj} */
  const out = { ...state };
  if ('rExecuted' in state) out.rExecuted = resolve(state.rExecuted, 'rExecuted');
  if (isObj(state.rSnap)) out.rSnap = { ...state.rSnap, executed: resolve(state.rSnap.executed, "its snapshot's history") };
  return { state: out, problems };
}

/**
 * What a step did to one field: the old value of a scalar, the elements a set gained and lost,
 * what a sequence appended (or that it was replaced).
 * @param {string} field @param {unknown} was @param {unknown} now
 * @returns {{ was?: unknown, added?: unknown[], removed?: unknown[], appended?: unknown[], replaced?: boolean }}
 */
function fieldChange(field, was, now) {
  if (!Array.isArray(was) || !Array.isArray(now)) return { was };
  if (SEQUENCE_KEYS.has(field)) {
    const prefix = was.length <= now.length && was.every((x, k) => canonical(x) === canonical(now[k]));
    return prefix ? { appended: now.slice(was.length) } : { replaced: true };
  }
  const a = new Set(was.map((x) => canonical(x)));
  const b = new Set(now.map((x) => canonical(x)));
  return { added: now.filter((x) => !a.has(canonical(x))), removed: was.filter((x) => !b.has(canonical(x))) };
}

class Model {
  /** @param {PageData} data */
  constructor(data) {
    this.data = data;
    this.count = data.ev.lane.length;
    this.colours = typeColours(data);
    const n = this.count;
    const ev = data.ev;
    /** Row, line and file of each event (decoded from the compact columns). */
    this.row = undelta(ev.rowStep);
    this.line = undelta(ev.lineStep);
    this.file = ev.file !== undefined ? Int32Array.from(ev.file) : new Int32Array(n).fill(ev.fileAll ?? -1);
    /** First event index of each row (rows never decrease in replay order); rowStart[rows] = count. */
    this.rowStart = new Int32Array(data.rows + 1).fill(n);
    for (let i = n - 1; i >= 0; i--) this.rowStart[/** @type {number} */ (this.row[i])] = i;
    for (let r = data.rows - 1; r >= 0; r--) if (/** @type {number} */ (this.rowStart[r]) > /** @type {number} */ (this.rowStart[r + 1])) this.rowStart[r] = /** @type {number} */ (this.rowStart[r + 1]);
    /** Each lane's events, in order; and each event's position in its lane. */
    const sizes = new Int32Array(data.lanes.length);
    for (let i = 0; i < n; i++) sizes[/** @type {number} */ (ev.lane[i])]++;
    /** @type {Int32Array[]} */
    this.laneEvents = [...sizes].map((s) => new Int32Array(s));
    this.posInLane = new Int32Array(n);
    const fill = new Int32Array(data.lanes.length);
    for (let i = 0; i < n; i++) {
      const l = /** @type {number} */ (ev.lane[i]);
      const p = fill[l]++;
      /** @type {Int32Array} */ (this.laneEvents[l])[p] = i;
      this.posInLane[i] = p;
    }
    /** The arrow into each event (or -1), and the arrows out of each, as ranges of outOrder. */
    this.inArrow = new Int32Array(n).fill(-1);
    data.ar.to.forEach((to, a) => { this.inArrow[to] = a; });
    this.outStart = new Int32Array(n + 1);
    for (const from of data.ar.from) this.outStart[from + 1]++;
    for (let i = 0; i < n; i++) this.outStart[i + 1] += /** @type {number} */ (this.outStart[i]);
    this.outOrder = new Int32Array(data.ar.from.length);
    const next = this.outStart.slice(0, n);
    data.ar.from.forEach((from, a) => { this.outOrder[next[from]++] = a; });
    /** Arrow rows as typed arrays: scanned on every frame to find those crossing the window. */
    this.arFromRow = Int32Array.from(data.ar.from, (i) => /** @type {number} */ (this.row[i]));
    this.arToRow = Int32Array.from(data.ar.to, (i) => /** @type {number} */ (this.row[i]));
    /** Whether the node's leader is active after each event (from the leaderUp/leaderDown marks). */
    this.leaderActive = new Uint8Array(n);
    const active = new Uint8Array(data.lanes.length);
    for (let i = 0; i < n; i++) {
      const l = /** @type {number} */ (ev.lane[i]); const f = /** @type {number} */ (ev.flag[i]);
      if (f & data.flagBits.leaderUp) active[l] = 1;
      if (f & data.flagBits.leaderDown) active[l] = 0;
      this.leaderActive[i] = /** @type {number} */ (active[l]);
    }
    /** @type {string | null} */
    this.detailsText = null;
    /** @type {Int32Array | null} */
    this.lineStart = null;
    /** @type {string | null} */
    this.detailsError = null;
    /** Per lane: position in the lane -> state after that event (see CHECKPOINT_EVERY). @type {Map<number, WorkState>[]} */
    this.checkpoints = data.lanes.map(() => new Map());
  }

  /** How the page names event i: its number, or a counterexample's state. @param {number} i */
  label(i) { return this.data.kind === 'counterexample' ? `state ${this.row[i]}` : `#${i + 1}`; }
  /** @param {number} i */
  flag(i) { return /** @type {number} */ (this.data.ev.flag[i]); }
  /** @param {number} i */
  action(i) { return /** @type {string} */ (this.data.actions[/** @type {number} */ (this.data.ev.act[i])]); }
  /** @param {number} i */
  where(i) {
    const f = /** @type {number} */ (this.file[i]);
    return f < 0 ? '' : `${this.data.files[f] ?? '?'}:${this.line[i]}`;
  }

  /** Decompresses the details (gzip, base64) embedded in the page. @param {string} base64 */
  async loadDetails(base64) {
    try {
      let bytes;
      try {
        bytes = new Uint8Array(await (await fetch('data:application/octet-stream;base64,' + base64)).arrayBuffer());
      } catch {
        bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      }
      if (typeof DecompressionStream !== 'function') throw new Error('this browser has no DecompressionStream (Chromium 80+, Firefox 113+, Safari 16.4+ have)');
      const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
      const starts = new Int32Array(this.count + 1);
      let at = 0;
      for (let i = 1; i < this.count; i++) { at = text.indexOf('\n', at) + 1; starts[i] = at; }
      starts[this.count] = text.length + 1;
      this.detailsText = text;
      this.lineStart = starts;
    } catch (e) {
      this.detailsError = `the event details cannot be read: ${/** @type {Error} */ (e).message}`;
    }
  }

  /** The event as written, parsed; null while the details are not loaded. @param {number} i @returns {Obj | null} */
  raw(i) {
    if (this.detailsText === null || this.lineStart === null) return null;
    const text = this.detailsText.slice(/** @type {number} */ (this.lineStart[i]), /** @type {number} */ (this.lineStart[i + 1]) - 1);
    try {
      const v = JSON.parse(text);
      return isObj(v) ? v : { value: v };
    } catch {
      return { unreadable: text };
    }
  }

  /** @param {number} i */
  rawText(i) {
    if (this.detailsText === null || this.lineStart === null) return '';
    return this.detailsText.slice(/** @type {number} */ (this.lineStart[i]), /** @type {number} */ (this.lineStart[i + 1]) - 1);
  }

  /**
   * The first `length` requests of the history a Welcome installed at event i carried, or null.
   * @param {number} i @param {number} length @returns {unknown[] | null}
   */
  welcomeHistory(i, length) {
    // The Welcome's history is the first L requests its sender held where it sent it (the
    // arrow into the step that received it starts at that send): every replica's history is a
    // prefix of one. The receive may be an earlier step of the node on the same input (a
    // Stutter before the install), which holds the arrow.
    const input = this.raw(i)?.params;
    const key = isObj(input) ? canonical([input.from, input.message]) : null;
    const lane = /** @type {Int32Array} */ (this.laneEvents[/** @type {number} */ (this.data.ev.lane[i])]);
    let a = -1;
    for (let p = /** @type {number} */ (this.posInLane[i]); p >= 0 && key !== null; p--) {
      const j = /** @type {number} */ (lane[p]);
      const params = this.raw(j)?.params;
      if (!isObj(params) || canonical([params.from, params.message]) !== key) break;
      a = /** @type {number} */ (this.inArrow[j]);
      if (a >= 0) break;
    }
    if (a < 0) return null;
    const sender = this.stateAfter(/** @type {number} */ (this.data.ar.from[a])).state;
    const history = sender?.rExecuted;
    return Array.isArray(history) && history.length >= length ? history.slice(0, length) : null;
  }

  /**
   * The node's state after event i and before it, the fields the event changed, and problems
   * applying deltas.
   * @param {number} i
   * @returns {{ state: Obj | null, before: Obj | null, changed: Set<string>, problems: string[] }}
   */
  stateAfter(i) {
    const lane = /** @type {number} */ (this.data.ev.lane[i]);
    const list = /** @type {Int32Array} */ (this.laneEvents[lane]);
    const target = /** @type {number} */ (this.posInLane[i]);
    const marks = /** @type {Map<number, WorkState>} */ (this.checkpoints[lane]);
    let from = -1;
    // Strictly before the target: the target's own step is replayed, to know what it changed.
    for (const p of marks.keys()) if (p < target && p > from) from = p;
    const init = this.data.init[String(lane)];
    let w = from >= 0 ? copyWork(/** @type {WorkState} */ (marks.get(from))) : workState(init);
    let known = from >= 0 || init !== undefined;
    /** @type {Set<string>} */
    let changed = new Set();
    /** @type {string[]} */
    let problems = [];
    /** @type {Obj | null} */
    let before = null;
    for (let p = from + 1; p <= target; p++) {
      const raw = this.raw(/** @type {number} */ (list[p]));
      if (raw === null) return { state: null, before: null, changed, problems: ['the details are still loading'] };
      changed = new Set(); problems = [];
      if (p === target) before = known ? plainState(w) : null;
      if (isObj(raw.state)) {
        const was = p === target ? before : null;
        const at = /** @type {number} */ (list[p]);
        const { state, problems: unresolved } = historiesByLength(raw.state, w.fields.rExecuted);
        problems = unresolved.map((s) => `event #${at + 1}: its state ${s}`);
        for (const [k, v] of Object.entries(state)) {
          if (!known || (was !== null && canonical(was[k], SEQUENCE_KEYS.has(k)) !== canonical(v, SEQUENCE_KEYS.has(k)))) changed.add(k);
        }
        w = workState(state);
        known = true;
      } else if (isObj(raw.delta)) {
        for (const k of Object.keys(raw.delta)) changed.add(k);
        const at = /** @type {number} */ (list[p]);
        problems = applyDelta(w, raw.delta, (length) => this.welcomeHistory(at, length)).map((s) => `event #${at + 1}: the delta ${s}`);
        if (!known) problems.push('no state is known before this delta (no initial state for this node)');
      }
      if ((p + 1) % CHECKPOINT_EVERY === 0 && !marks.has(p)) marks.set(p, copyWork(w));
    }
    return { state: known ? plainState(w) : null, before, changed, problems };
  }
}

// @ts-check
// The details panel: everything about the selected event. What it received (and from which
// event), its parameters, the messages it sent (and which events received them), the node's
// state after the step expanded from deltas with the fields it changed marked, and the line
// as written. An event of a kind the viewer does not know shows the same, from its line.

/** Elements shown of a long set or sequence, at each end. */
const SHOWN_AT_EACH_END = 3;

/** A value for a table cell: a long array as its size, first and last elements. @param {unknown} v */
function abbreviated(v) {
  if (!Array.isArray(v) || v.length <= 2 * SHOWN_AT_EACH_END + 1) return shortJson(v);
  const ends = [...v.slice(0, SHOWN_AT_EACH_END).map((x) => shortJson(x, 120)), '…', ...v.slice(-SHOWN_AT_EACH_END).map((x) => shortJson(x, 120))];
  return `${v.length} elements: [${ends.join(', ')}]`;
}

/** Lines under a changed field saying what changed. @param {ReturnType<typeof fieldChange>} c */
function changeLines(c) {
  /** @type {HTMLElement[]} */
  const out = [];
  /** @param {string} cls @param {string} sign @param {unknown[]} xs */
  const list = (cls, sign, xs) => {
    for (const x of xs.slice(0, 8)) out.push(el('div', { class: `chg ${cls}` }, [`${sign} ${shortJson(x, 200)}`]));
    if (xs.length > 8) out.push(el('div', { class: `chg ${cls}` }, [`${sign} … and ${xs.length - 8} more`]));
  };
  if ('was' in c) out.push(el('div', { class: 'chg was' }, [`was ${shortJson(c.was, 200)}`]));
  if (c.added) list('add', '+', c.added);
  if (c.removed) list('remove', '−', c.removed);
  if (c.appended) list('add', '+', c.appended);
  if (c.replaced) out.push(el('div', { class: 'chg was' }, ['replaced (not an extension of what it was)']));
  return out;
}

class Details {
  /** @param {Model} model @param {HTMLElement} panel @param {(i: number) => void} go */
  constructor(model, panel, go) {
    this.model = model; this.panel = panel; this.go = go;
    /** @type {number | null} */
    this.shown = null;
    panel.addEventListener('click', (e) => {
      const t = /** @type {Element} */ (e.target).closest('[data-go]');
      if (t !== null) { e.preventDefault(); this.go(Number(t.getAttribute('data-go'))); }
    });
  }

  /** A link to another event. @param {number} i */
  link(i) {
    const d = this.model.data;
    return el('a', { href: '#', 'data-go': String(i), class: 'ev-link' },
      [`${this.model.label(i)} (${d.lanes[/** @type {number} */ (d.ev.lane[i])]?.label ?? '?'}, ${this.model.action(i)})`]);
  }

  /** @param {number} t type index */
  swatch(t) {
    const s = el('span', { class: 'swatch' });
    s.style.background = this.model.colours[t] ?? '#444';
    return s;
  }

  /** @param {string} title @param {Array<Node | string>} children @param {string} [cls] */
  section(title, children, cls) {
    return el('section', cls ? { class: cls } : {}, [el('h3', {}, [title]), ...children]);
  }

  /** @param {unknown} v */
  pre(v) { return el('pre', {}, [typeof v === 'string' ? v : JSON.stringify(v, null, 1)]); }

  /** @param {number | null} i */
  show(i) {
    this.shown = i;
    const p = this.panel;
    p.replaceChildren();
    if (i === null) {
      p.append(el('p', { class: 'hint' }, ['Click an event (or use ↑ ↓) to see what it received, its parameters, what it sent and the node\'s state after it.']));
      return;
    }
    const m = this.model; const d = m.data; const ev = d.ev;
    p.setAttribute('data-event', String(i));
    const action = m.action(i);
    const lane = d.lanes[/** @type {number} */ (ev.lane[i])];
    p.append(el('h2', {}, [`${m.label(i)} · ${lane?.label ?? '?'} · `, el('span', { class: 'det-action' }, [action])]));
    const facts = [];
    const role = d.roles[/** @type {number} */ (ev.role[i])];
    if (role) facts.push(['role', role]);
    const raw = m.raw(i);
    if (raw !== null && typeof raw.clock === 'number') facts.push([d.kind === 'counterexample' ? 'state' : 'Lamport clock', String(raw.clock)]);
    if (raw !== null && typeof raw.seq === 'number') facts.push(['seq', String(raw.seq)]);
    if (m.where(i)) facts.push(['line', m.where(i)]);
    const tag = d.tags[/** @type {number} */ (ev.tag[i])];
    if (tag) facts.push(['summary', tag]);
    p.append(el('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [el('dt', {}, [/** @type {string} */ (k)]), el('dd', {}, [/** @type {string} */ (v)])])));
    const f = m.flag(i);
    if (f & d.flagBits.highlight && d.highlight !== null) {
      p.append(this.section(d.highlight.title, [el('pre', { class: 'difference' }, [d.highlight.lines.join('\n')])], 'det-highlight'));
    }
    if (f & d.flagBits.unknown) p.append(el('p', { class: 'note' }, [`${action} is not an action the viewer knows: drawn as a plain event; its line is below.`]));
    if (raw === null) {
      p.append(el('p', { class: 'note' }, [m.detailsError ?? 'Loading the event details…']));
      return;
    }
    this.received(i, raw);
    this.sent(i, raw);
    this.state(i, raw);
    // The parameters in full: open for a kind the viewer does not summarise, folded otherwise.
    const params = isObj(raw.params) ? raw.params : null;
    if (params !== null && Object.keys(params).length > 0) {
      const box = el('details', f & d.flagBits.unknown ? { open: '' } : {}, [el('summary', {}, ['as written']), this.pre(params)]);
      p.append(this.section('params', [box]));
    }
    for (const [k, v] of Object.entries(raw)) {
      if (['node', 'seq', 'clock', 'role', 'action', 'params', 'sent', 'state', 'delta'].includes(k)) continue;
      p.append(this.section(k, [this.pre(v)]));
    }
    const text = m.rawText(i);
    p.append(el('details', { class: 'raw' }, [el('summary', {}, [`the line as written (${text.length} characters)`]), this.pre(text.length > 200_000 ? text.slice(0, 200_000) + ' …' : text)]));
  }

  /** @param {number} i @param {Obj} raw */
  received(i, raw) {
    const m = this.model; const d = m.data;
    const params = isObj(raw.params) ? raw.params : {};
    if (!isObj(params.message)) return;
    const a = /** @type {number} */ (m.inArrow[i]);
    const line = [];
    if (a >= 0) {
      const t = /** @type {number} */ (d.ar.type[a]);
      line.push(this.swatch(t), ` ${messageText(params.message)} — sent by `, this.link(/** @type {number} */ (d.ar.from[a])));
    } else {
      line.push(`${messageText(params.message)}`);
      if (m.flag(i) & d.flagBits.unmatched) line.push(` — from node ${String(params.from)}; its send is not in the trace (a message the trace does not record, or a send that was not traced)`);
      else if (params.from !== undefined) line.push(` (the input that led to this step, from node ${String(params.from)})`);
    }
    this.panel.append(this.section('received', [el('p', {}, line)]));
  }

  /** @param {number} i @param {Obj} raw */
  sent(i, raw) {
    const m = this.model; const d = m.data;
    const sent = Array.isArray(raw.sent) ? raw.sent : [];
    if (sent.length === 0) return;
    // Which events received each message sent here (the arrows out of this event).
    /** @type {Map<string, number[]>} */
    const receivers = new Map();
    for (let k = /** @type {number} */ (m.outStart[i]); k < /** @type {number} */ (m.outStart[i + 1]); k++) {
      const a = /** @type {number} */ (m.outOrder[k]);
      const to = /** @type {number} */ (d.ar.to[a]);
      const r = m.raw(to);
      const msg = r !== null && isObj(r.params) ? r.params.message : undefined;
      const key = canonical(msg);
      receivers.set(key, [...(receivers.get(key) ?? []), to]);
    }
    const items = sent.map((msg) => {
      const t = isObj(msg) ? d.types.indexOf(String(msg.type)) : -1;
      const got = receivers.get(canonical(msg)) ?? [];
      const li = el('li', {}, [t >= 0 ? this.swatch(t) : '', ` ${isObj(msg) ? messageText(msg) : shortJson(msg)}`]);
      if (got.length > 0) {
        li.append(' — received by ');
        got.slice(0, 12).forEach((to, k) => { if (k > 0) li.append(', '); li.append(this.link(to)); });
        if (got.length > 12) li.append(` and ${got.length - 12} more`);
      }
      li.append(el('details', {}, [el('summary', {}, ['message']), this.pre(msg)]));
      return li;
    });
    this.panel.append(this.section(`sent (${sent.length})`, [el('ul', { class: 'sent' }, items)]));
  }

  /** @param {number} i @param {Obj} raw */
  state(i, raw) {
    const m = this.model;
    if (!isObj(raw.state) && !isObj(raw.delta) && m.data.init[String(m.data.ev.lane[i])] === undefined) return;
    const { state, before, changed, problems } = m.stateAfter(i);
    const children = [];
    for (const pr of problems) children.push(el('p', { class: 'note bad' }, [pr]));
    if (state !== null) {
      // The fields this step changed first, each with what changed; then the others.
      const fields = [...Object.keys(state).filter((k) => changed.has(k)), ...Object.keys(state).filter((k) => !changed.has(k))];
      const rows = fields.map((k) => {
        const td = el('td', {}, [abbreviated(state[k])]);
        if (changed.has(k) && before !== null) td.append(...changeLines(fieldChange(k, before[k], state[k])));
        return el('tr', changed.has(k) ? { class: 'changed' } : {}, [el('th', {}, [changed.has(k) ? `● ${k}` : k]), td]);
      });
      children.push(el('table', { class: 'state' }, rows));
      children.push(el('p', { class: 'hint' }, [changed.size > 0 ? '● = changed by this step (what it was, or what it gained and lost)' : 'this step changed nothing in the node\'s state']));
    }
    if (isObj(raw.delta)) children.push(el('details', {}, [el('summary', {}, ['the delta as written']), this.pre(raw.delta)]));
    this.panel.append(this.section(isObj(raw.delta) ? 'state after the step (expanded from the deltas)' : 'state after the step', children));
  }
}

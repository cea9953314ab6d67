// @ts-check
// Starting the page: read the drawing data, draw the first window, then (once the browser has
// read the rest of the page) decompress the details. The <html> element's data-viewer attribute says how far it got ("painted", then
// "ready"), and window.viewerTimings when (ms since navigation start), for the browser tests.

/** @param {string} id */
function byId(id) {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e;
}

function main() {
  const timings = /** @type {{ script: number, painted?: number, ready?: number }} */ ({ script: performance.now() });
  /** @type {any} */ (window).viewerTimings = timings;
  const data = /** @type {PageData} */ (JSON.parse(byId('viewer-data').textContent ?? '{}'));
  const model = new Model(data);
  const details = new Details(model, byId('details'), (i) => select(i, true));
  const diagram = new Diagram(model, byId('scroller'), byId('spacer'),
    /** @type {SVGSVGElement} */ (/** @type {unknown} */ (byId('view'))), (i) => select(i, false));
  const overview = new Overview(model, /** @type {HTMLCanvasElement} */ (byId('overview')), byId('overview-box'), diagram);

  /** @param {number} i @param {boolean} scroll */
  function select(i, scroll) {
    if (i < 0 || i >= model.count) return;
    diagram.select(i);
    details.show(i);
    if (scroll) diagram.reveal(i);
  }

  header(model);
  banner(model, () => { if (data.highlight?.event != null) select(data.highlight.event, true); });
  legend(model);
  gotoBox(model, (i) => select(i, true));
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof Element && e.target.closest('input, textarea')) return;
    const cur = diagram.selected;
    if (e.key === 'ArrowDown' || e.key === 'j') { e.preventDefault(); select(cur === null ? 0 : cur + 1, true); }
    else if (e.key === 'ArrowUp' || e.key === 'k') { e.preventDefault(); select(cur === null ? 0 : cur - 1, true); }
    else if (e.key === 'h' && data.highlight?.event != null) select(data.highlight.event, true);
  });
  // The diagram's size changes with the window, and once the header, banner and legend above it are filled in.
  diagram.layout();
  new ResizeObserver(() => { diagram.layout(); overview.draw(); }).observe(byId('scroller'));
  diagram.onRender = () => {
    overview.update();
    if (timings.painted === undefined) {
      // The frame that shows the first window: mark it once the browser has painted it.
      requestAnimationFrame(() => {
        timings.painted = performance.now();
        document.documentElement.setAttribute('data-viewer', 'painted');
        overview.draw();
        // The details follow this script in the page: read them once the browser has.
        const load = () => model.loadDetails((byId('viewer-details').textContent ?? '').trim()).then(() => {
          timings.ready = performance.now();
          document.documentElement.setAttribute('data-viewer', 'ready');
          if (details.shown !== null) details.show(details.shown);
        });
        if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', load, { once: true });
        else load();
      });
    }
  };
  details.show(null);
  // Open on the highlighted event, so the problem is the first thing in view.
  if (data.highlight?.event != null) {
    diagram.reveal(data.highlight.event, true);
    diagram.select(data.highlight.event);
    details.show(data.highlight.event);
  }
}

/** @param {Model} model */
function header(model) {
  const d = model.data;
  const unmatched = d.ev.flag.filter((f) => f & d.flagBits.unmatched).length;
  const parts = [`${d.lanes.length} lanes`, `${model.count.toLocaleString('en')} ${d.kind === 'counterexample' ? 'steps' : 'events'}`,
    `${d.ar.from.length.toLocaleString('en')} messages drawn`];
  if (unmatched > 0) parts.push(`${unmatched.toLocaleString('en')} receives without a traced send`);
  byId('stats').textContent = parts.join(' · ');
  if (d.notes.length > 0) {
    const notes = byId('notes');
    notes.hidden = false;
    notes.append(el('strong', {}, ['Read with problems: ']), el('ul', {}, d.notes.map((n) => el('li', {}, [n]))));
  }
}

/** @param {Model} model @param {() => void} show */
function banner(model, show) {
  const h = model.data.highlight;
  if (h === null) return;
  const b = byId('banner');
  b.hidden = false;
  /** @type {Array<Node | string>} */
  const kids = [el('strong', {}, ['✖ ', h.title])];
  if (h.event !== null) {
    const btn = el('button', { type: 'button', id: 'show-highlight' }, ['show it (h)']);
    btn.addEventListener('click', show);
    kids.push(' ', btn);
  }
  if (h.lines.length > 0) kids.push(el('pre', { class: 'difference' }, [h.lines.join('\n')]));
  b.append(...kids);
}

/** @param {Model} model */
function legend(model) {
  const d = model.data;
  const counts = new Array(d.types.length).fill(0);
  for (const t of d.ar.type) counts[t]++;
  const types = d.types.map((t, k) => {
    const s = el('span', { class: 'lg-arrow' });
    s.style.color = model.colours[k] ?? '#444';
    s.textContent = '⟶';
    return el('span', { class: 'lg-item', 'data-type': t }, [s, ` ${t} `, el('small', {}, [`(${counts[k]})`])]);
  });
  const roles = [...new Set(d.roles)].filter((r) => r !== '').map((r) => el('span', { class: 'lg-item' }, [el('span', { class: 'lg-dot' }, [ROLE_LETTERS[r] ?? r.charAt(0)]), ` ${r}`]));
  const marks = [
    ['mark leader', '♛', 'leader elected (adopted)'], ['mark down', '⤓', 'leader stepped down'], ['mark ballot', '⇡', 'new ballot'],
    ['mark crash', '✖', 'crash + restart'], ['lg-band', '┃', 'leader active'], ['lg-hl', '◉', d.kind === 'counterexample' ? 'violating state' : 'rejected event'],
    ['lg-unknown', '?', 'action the viewer does not know'], ['lg-unmatched', '•', 'send not in the trace'],
  ].map(([cls, glyph, text]) => el('span', { class: 'lg-item' }, [el('span', { class: /** @type {string} */ (cls) }, [/** @type {string} */ (glyph)]), ` ${text}`]));
  /** @param {string} title @param {HTMLElement[]} items */
  const group = (title, items) => (items.length === 0 ? [] : [el('span', { class: 'lg-title' }, [title]), ...items]);
  byId('legend').append(...group('messages', types), ...group('roles', roles), ...group('marks', marks));
}

/**
 * The go-to box: "#12" is the 12th event, "16" line 16 of the (first) file, "file:16" a line of a
 * part file, "state 3" a counterexample's state.
 * @param {Model} model @param {(i: number) => void} go
 */
function gotoBox(model, go) {
  const form = /** @type {HTMLFormElement} */ (byId('goto'));
  const input = /** @type {HTMLInputElement} */ (byId('goto-input'));
  const msg = byId('goto-msg');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    const d = model.data;
    let found = -1;
    const ev = /^#(\d+)$/.exec(q);
    const state = /^state\s+(\d+)$/i.exec(q);
    const line = /^(?:(.+):)?(\d+)$/.exec(q);
    if (ev) found = Number(ev[1]) - 1;
    else if (state) {
      // A counterexample's state: the step that led to it (the Init row for state 0).
      const r = Number(state[1]);
      found = r < d.rows ? /** @type {number} */ (model.rowStart[r]) : -1;
    }
    else if (line) {
      const file = line[1] === undefined ? 0 : d.files.findIndex((f) => f === line[1] || f.endsWith('/' + line[1]));
      const n = Number(line[2]);
      found = model.line.findIndex((l, i) => l === n && model.file[i] === file);
    }
    if (found < 0 || found >= model.count) { msg.textContent = `no event ${q}`; return; }
    msg.textContent = '';
    go(found);
  });
}

main();

// @ts-check
// The space-time diagram: one lane per node, time flowing down, drawn as SVG for the rows in
// view only. The scroller's height stands for every row; on each scroll the SVG is rebuilt
// for the visible window (a few hundred elements whatever the run's length), so a run of a
// million events scrolls like one of a hundred.

const ROW_H = 38;
const HEADER_H = 36;
const GUTTER_W = 74;
const LANE_MIN_W = 200;
const LANE_MAX_W = 360;
/** Where the dot sits in its lane: messages to itself loop to its left, labels go to its right. */
const DOT_X = 34;
const DOT_R = 9;
/** Browsers cap element heights (about 33 million px in Chromium): beyond this, scrolling is scaled. */
const MAX_SCROLL_PX = 8_000_000;
/** Arrows drawn per frame at most (only a run with thousands of messages in flight reaches it). */
const MAX_ARROWS_DRAWN = 4000;
const CHAR_W = 6.9;

class Diagram {
  /**
   * @param {Model} model
   * @param {HTMLElement} scroller
   * @param {HTMLElement} spacer
   * @param {SVGSVGElement} svg
   * @param {(i: number) => void} onSelect
   */
  constructor(model, scroller, spacer, svg, onSelect) {
    this.model = model;
    this.scroller = scroller;
    this.spacer = spacer;
    this.svg = svg;
    this.onSelect = onSelect;
    /** @type {number | null} */
    this.selected = null;
    this.laneW = LANE_MIN_W;
    this.viewW = 0; this.viewH = 0; this.scrollH = 0; this.rowsPerPx = 1 / ROW_H;
    this.pending = false;
    /** Whether the overview strip is on the page (not for a run that fits in the window). */
    this.overviewShown = true;
    this.laneRows = model.laneEvents.map((list) => Int32Array.from(list, (i) => /** @type {number} */ (model.row[i])));
    this.defs = this.markerDefs();
    scroller.addEventListener('scroll', () => this.schedule());
    svg.addEventListener('click', (e) => {
      const t = /** @type {Element} */ (e.target);
      const g = t.closest('[data-i]');
      if (g !== null) this.onSelect(Number(g.getAttribute('data-i')));
    });
    this.layout();
  }

  /** Arrowheads, one per message type colour. */
  markerDefs() {
    return '<defs>' + this.model.colours.map((c, t) =>
      `<marker id="ah${t}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">` +
      `<path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`).join('') + '</defs>';
  }

  /** Sizes from the window: lane width, the scrollable height (scaled past MAX_SCROLL_PX). */
  layout() {
    const lanes = Math.max(1, this.model.data.lanes.length);
    this.viewW = this.scroller.clientWidth;
    this.viewH = this.scroller.clientHeight;
    const free = this.viewW - GUTTER_W - OVERVIEW_W - 8;
    this.laneW = Math.max(LANE_MIN_W, Math.min(LANE_MAX_W, Math.floor(free / lanes)));
    const contentH = HEADER_H + (this.model.data.rows + 1) * ROW_H;
    this.scrollH = Math.min(contentH, MAX_SCROLL_PX);
    const visibleRows = (this.viewH - HEADER_H) / ROW_H;
    this.rowsPerPx = this.scrollH > this.viewH ? Math.max(0, this.model.data.rows + 1 - visibleRows) / (this.scrollH - this.viewH) : 0;
    this.spacer.style.width = `${GUTTER_W + lanes * this.laneW + OVERVIEW_W + 8}px`;
    this.spacer.style.height = `${Math.max(0, this.scrollH - this.viewH)}px`;
    this.svg.setAttribute('width', String(this.viewW));
    this.svg.setAttribute('height', String(this.viewH));
    this.svg.style.width = `${this.viewW}px`;
    this.svg.style.height = `${this.viewH}px`;
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.render(); });
  }

  /** The (fractional) row at the top of the rows area. */
  topRow() { return this.scroller.scrollTop * this.rowsPerPx; }

  /** @param {number} lane */
  laneLeft(lane) { return GUTTER_W + lane * this.laneW - this.scroller.scrollLeft; }
  /** @param {number} i */
  x(i) { return this.laneLeft(/** @type {number} */ (this.model.data.ev.lane[i])) + DOT_X; }
  /** @param {number} row @param {number} top */
  y(row, top) { return HEADER_H + (row - top) * ROW_H + ROW_H / 2; }

  /** Scrolls so that event i is in view (in the middle, unless it already is in view). @param {number} i */
  reveal(i, always = false) {
    const row = /** @type {number} */ (this.model.row[i]);
    const top = this.topRow();
    const visible = (this.viewH - HEADER_H) / ROW_H;
    if (!always && row >= top + 1 && row <= top + visible - 2) return;
    const wantTop = Math.max(0, row - visible / 2);
    this.scroller.scrollTop = this.rowsPerPx > 0 ? wantTop / this.rowsPerPx : 0;
    const lx = GUTTER_W + /** @type {number} */ (this.model.data.ev.lane[i]) * this.laneW;
    if (lx < this.scroller.scrollLeft + GUTTER_W || lx + this.laneW > this.scroller.scrollLeft + this.viewW - OVERVIEW_W) {
      this.scroller.scrollLeft = Math.max(0, lx - GUTTER_W);
    }
    this.schedule();
  }

  /** @param {number | null} i */
  select(i) { this.selected = i; this.schedule(); }

  /** The rows in view: [first, last]. */
  windowRows() {
    const top = this.topRow();
    const first = Math.max(0, Math.floor(top) - 1);
    const last = Math.min(this.model.data.rows - 1, Math.ceil(top + (this.viewH - HEADER_H) / ROW_H) + 1);
    return { top, first, last };
  }

  render() {
    const m = this.model; const d = m.data;
    const { top, first, last } = this.windowRows();
    // What scrolls is clipped short of the overview strip, so nothing peeks out beside it.
    const clipW = this.overviewShown ? this.viewW - OVERVIEW_W - 12 : this.viewW;
    const parts = [this.defs, `<clipPath id="scrolling"><rect x="0" y="0" width="${clipW}" height="${this.viewH}"/></clipPath>`, '<g clip-path="url(#scrolling)">'];
    const fromEvent = /** @type {number} */ (m.rowStart[Math.max(0, Math.min(first, d.rows))]);
    const toEvent = /** @type {number} */ (m.rowStart[Math.max(0, Math.min(last + 1, d.rows))]);
    const hl = d.highlight?.event ?? null;
    const selArrows = new Set();
    if (this.selected !== null) {
      const a = /** @type {number} */ (m.inArrow[this.selected]);
      if (a >= 0) selArrows.add(a);
      for (let k = /** @type {number} */ (m.outStart[this.selected]); k < /** @type {number} */ (m.outStart[this.selected + 1]); k++) selArrows.add(m.outOrder[k]);
    }
    // Row bands: the rejected or violating event's row.
    if (hl !== null) {
      const r = /** @type {number} */ (m.row[hl]);
      if (r >= first && r <= last) parts.push(`<rect class="hl-band" x="0" y="${this.y(r, top) - ROW_H / 2}" width="${this.viewW}" height="${ROW_H}"/>`);
    }
    // Lanes, with a band where the node's leader is active.
    d.lanes.forEach((_, l) => {
      const lx = this.laneLeft(l) + DOT_X;
      if (lx < GUTTER_W - 20 || lx > this.viewW) return;
      parts.push(`<line class="lane" x1="${lx}" y1="${HEADER_H}" x2="${lx}" y2="${this.viewH}"/>`);
      parts.push(...this.leaderBands(l, lx, top, first, last));
    });
    // Arrows crossing the window (sorted by receive, so the scan starts at the first that ends in view).
    let drawn = 0;
    const start = lastAtMost(m.arToRow, first - 1) + 1;
    for (let a = start; a < m.arToRow.length && drawn < MAX_ARROWS_DRAWN; a++) {
      if (/** @type {number} */ (m.arFromRow[a]) > last) continue;
      parts.push(this.arrow(a, top, selArrows.has(a)));
      drawn++;
    }
    // Events.
    const maxChars = Math.max(8, Math.floor((this.laneW - DOT_X - 22) / CHAR_W));
    for (let i = fromEvent; i < toEvent; i++) parts.push(this.event(i, top, maxChars));
    // Gutter and lane headers on top of everything that scrolls under them.
    parts.push('</g>');
    // The gutter with the row labels, the lane headers, and the corner over both.
    parts.push(`<rect class="gutter" x="0" y="0" width="${GUTTER_W - 4}" height="${this.viewH}"/>`);
    for (let r = first; r <= last; r++) {
      const label = d.kind === 'counterexample' ? `state ${r}` : `#${/** @type {number} */ (m.rowStart[r]) + 1}`;
      parts.push(`<text class="row-label" x="${GUTTER_W - 10}" y="${this.y(r, top) + 4}">${label}</text>`);
    }
    parts.push(`<rect class="header" x="0" y="0" width="${this.viewW}" height="${HEADER_H}"/>`);
    d.lanes.forEach((lane, l) => {
      const lx = this.laneLeft(l) + DOT_X - 14;
      if (lx + this.laneW < GUTTER_W || lx > this.viewW) return;
      parts.push(`<text class="lane-label" data-lane="${l}" x="${lx}" y="${HEADER_H - 12}">${esc(lane.label)}</text>`);
    });
    parts.push(`<rect class="gutter" x="0" y="0" width="${GUTTER_W - 4}" height="${HEADER_H}"/>`);
    parts.push(`<text class="corner" x="8" y="${HEADER_H - 12}">${d.kind === 'counterexample' ? 'step' : 'event'}</text>`);
    this.svg.innerHTML = parts.join('');
    this.svg.setAttribute('data-first-row', String(first));
    this.svg.setAttribute('data-last-row', String(last));
    this.svg.setAttribute('data-arrows', String(drawn));
    if (this.onRender) this.onRender();
  }

  /** @type {(() => void) | undefined} */
  onRender = undefined;

  /**
   * Segments of lane l where the node's leader is active, between rows first and last.
   * @param {number} l @param {number} lx @param {number} top @param {number} first @param {number} last
   */
  leaderBands(l, lx, top, first, last) {
    const m = this.model;
    const list = /** @type {Int32Array} */ (m.laneEvents[l]);
    const rows = /** @type {Int32Array} */ (this.laneRows[l]);
    const out = [];
    let k = Math.max(0, lastAtMost(rows, first));
    for (; k < list.length; k++) {
      const r = /** @type {number} */ (rows[k]);
      if (r > last) break;
      if (!m.leaderActive[/** @type {number} */ (list[k])]) continue;
      const nextRow = k + 1 < list.length ? /** @type {number} */ (rows[k + 1]) : last + 2;
      const y1 = Math.max(HEADER_H, this.y(r, top));
      const y2 = Math.min(this.viewH, this.y(Math.min(nextRow, last + 2), top));
      if (y2 > y1) out.push(`<line class="leader-band" x1="${lx}" y1="${y1}" x2="${lx}" y2="${y2}"/>`);
    }
    return out;
  }

  /** @param {number} a @param {number} top @param {boolean} selected */
  arrow(a, top, selected) {
    const m = this.model; const d = m.data;
    const from = /** @type {number} */ (d.ar.from[a]); const to = /** @type {number} */ (d.ar.to[a]);
    const t = /** @type {number} */ (d.ar.type[a]);
    const x1 = this.x(from); const y1 = this.y(/** @type {number} */ (m.arFromRow[a]), top);
    const x2 = this.x(to); const y2 = this.y(/** @type {number} */ (m.arToRow[a]), top);
    const cls = `arrow${selected ? ' sel' : ''}`;
    const attrs = `class="${cls}" data-a="${a}" data-i="${to}" data-type="${esc(/** @type {string} */ (d.types[t]))}" stroke="${m.colours[t]}" marker-end="url(#ah${t})"`;
    if (x1 === x2) {
      // A message to itself: a loop to the left of the lane.
      const bend = 26;
      return `<path ${attrs} fill="none" d="M${x1 - DOT_R},${y1} C${x1 - bend - 12},${y1} ${x2 - bend - 12},${y2} ${x2 - DOT_R - 1},${y2 - 2}"/>`;
    }
    const dx = x2 - x1; const dy = y2 - y1; const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len; const uy = dy / len;
    return `<line ${attrs} x1="${(x1 + ux * DOT_R).toFixed(1)}" y1="${(y1 + uy * DOT_R).toFixed(1)}" x2="${(x2 - ux * (DOT_R + 1)).toFixed(1)}" y2="${(y2 - uy * (DOT_R + 1)).toFixed(1)}"/>`;
  }

  /** @param {number} i @param {number} top @param {number} maxChars */
  event(i, top, maxChars) {
    const m = this.model; const d = m.data; const ev = d.ev; const bits = d.flagBits;
    const f = m.flag(i);
    const x = this.x(i); const y = this.y(/** @type {number} */ (m.row[i]), top);
    if (x < GUTTER_W - DOT_X || x > this.viewW + 10) return '';
    const action = m.action(i);
    const tag = /** @type {string} */ (d.tags[/** @type {number} */ (ev.tag[i])]);
    const role = /** @type {string} */ (d.roles[/** @type {number} */ (ev.role[i])]);
    const a = m.inArrow[i];
    const stroke = a !== undefined && a >= 0 ? m.colours[/** @type {number} */ (d.ar.type[a])] : '#333';
    const cls = ['ev'];
    if (f & bits.highlight) cls.push('highlight');
    if (f & bits.unknown) cls.push('unknown');
    if (this.selected === i) cls.push('selected');
    const cut = (/** @type {string} */ s) => (s.length > maxChars ? s.slice(0, maxChars - 1) + '…' : s);
    // A leader change or a crash: a glyph before the summary line (the summary says what changed).
    const glyph = f & bits.crash ? ['crash', '✖'] : f & bits.leaderUp ? ['leader', '♛'] : f & bits.leaderDown ? ['down', '⤓'] : f & bits.ballot ? ['ballot', '⇡'] : null;
    if (glyph !== null) cls.push(`mark-${glyph[0]}`);
    const letter = f & bits.unknown ? '?' : action === 'Init' ? '·' : (ROLE_LETTERS[role] ?? (role.charAt(0) || '·'));
    const title = `${m.label(i)} ${d.lanes[/** @type {number} */ (ev.lane[i])]?.label ?? '?'} ${action}${tag ? ' — ' + tag : ''}${m.where(i) ? ' (' + m.where(i) + ')' : ''}`;
    return `<g class="${cls.join(' ')}" data-i="${i}" transform="translate(${x},${y})">` +
      `<title>${esc(title)}</title>` +
      `<rect class="hit" x="-${DOT_X - 4}" y="-${ROW_H / 2 - 2}" width="${this.laneW - 8}" height="${ROW_H - 4}"/>` +
      (f & bits.crash ? `<line class="crash-line" x1="-${DOT_X - 4}" y1="0" x2="${this.laneW - DOT_X - 8}" y2="0"/>` : '') +
      (f & bits.unmatched ? `<circle class="unmatched" cx="0" cy="-${DOT_R + 5}" r="2.5"/>` : '') +
      `<circle class="dot" r="${DOT_R}" stroke="${stroke}"/>` +
      `<text class="role" y="4">${esc(letter)}</text>` +
      `<text class="act" x="${DOT_R + 6}" y="-3">${esc(cut(action))}</text>` +
      (tag || glyph ? `<text class="tag" x="${DOT_R + 6}" y="11">${glyph ? `<tspan class="mark ${glyph[0]}">${glyph[1]} </tspan>` : ''}${esc(cut(tag))}</text>` : '') +
      '</g>';
  }
}

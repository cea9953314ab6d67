// @ts-check
// The overview: the whole run squeezed into a strip on the right (one column per lane, one
// pixel row for many rows), with leader changes, crashes and the highlighted event marked,
// and a box for the part in view. Clicking or dragging in it scrolls there.

const OVERVIEW_W = 86;

class Overview {
  /**
   * @param {Model} model
   * @param {HTMLCanvasElement} canvas
   * @param {HTMLElement} box the frame showing the part in view
   * @param {Diagram} diagram
   */
  constructor(model, canvas, box, diagram) {
    this.model = model; this.canvas = canvas; this.box = box; this.diagram = diagram;
    /** @param {PointerEvent} e */
    const jump = (e) => {
      const rect = canvas.getBoundingClientRect();
      const frac = Math.min(1, Math.max(0, (e.clientY - rect.top) / rect.height));
      const row = frac * model.data.rows;
      const visible = (diagram.viewH - HEADER_H) / ROW_H;
      diagram.scroller.scrollTop = diagram.rowsPerPx > 0 ? Math.max(0, row - visible / 2) / diagram.rowsPerPx : 0;
    };
    canvas.addEventListener('pointerdown', (e) => { canvas.setPointerCapture(e.pointerId); jump(e); });
    canvas.addEventListener('pointermove', (e) => { if (e.buttons & 1) jump(e); });
  }

  draw() {
    const m = this.model; const d = m.data; const ev = d.ev; const bits = d.flagBits;
    const h = Math.max(1, this.diagram.viewH - HEADER_H);
    // A run that fits in the window needs no overview.
    const fits = d.rows <= (this.diagram.viewH - HEADER_H) / ROW_H;
    this.canvas.hidden = fits;
    this.box.hidden = fits;
    if (this.diagram.overviewShown === fits) { this.diagram.overviewShown = !fits; this.diagram.schedule(); }
    if (fits) return;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = OVERVIEW_W * dpr;
    this.canvas.height = h * dpr;
    this.canvas.style.width = `${OVERVIEW_W}px`;
    this.canvas.style.height = `${h}px`;
    this.canvas.style.top = `${HEADER_H}px`;
    const g = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext('2d'));
    g.scale(dpr, dpr);
    g.fillStyle = '#f4f5f7';
    g.fillRect(0, 0, OVERVIEW_W, h);
    const lanes = Math.max(1, d.lanes.length);
    const colW = (OVERVIEW_W - 6) / lanes;
    const rows = Math.max(1, d.rows);
    const y = (/** @type {number} */ r) => (r / rows) * h;
    // Event density per lane and pixel row, shaded relative to the busiest (square root: quiet stretches stay visible).
    const hPx = Math.max(1, Math.ceil(h));
    const counts = new Uint32Array(lanes * hPx);
    for (let i = 0; i < m.count; i++) {
      counts[/** @type {number} */ (ev.lane[i]) * hPx + Math.min(hPx - 1, Math.floor(y(/** @type {number} */ (m.row[i]))))]++;
    }
    const max = counts.reduce((a, b) => Math.max(a, b), 1);
    for (let l = 0; l < lanes; l++) {
      for (let py = 0; py < hPx; py++) {
        const c = /** @type {number} */ (counts[l * hPx + py]);
        if (c === 0) continue;
        g.fillStyle = `rgba(40, 52, 80, ${(0.15 + 0.6 * Math.sqrt(c / max)).toFixed(3)})`;
        g.fillRect(3 + l * colW + 1, py, Math.max(1, colW - 2), 1);
      }
    }
    // Leader-active stretches of each lane.
    g.fillStyle = 'rgba(214, 158, 0, 0.85)';
    for (let i = 0; i < m.count; i++) {
      if (m.leaderActive[i]) g.fillRect(3 + /** @type {number} */ (ev.lane[i]) * colW + colW / 2 - 1, y(/** @type {number} */ (m.row[i])), 3, Math.max(1, h / rows));
    }
    for (let i = 0; i < m.count; i++) {
      const f = /** @type {number} */ (ev.flag[i]);
      if (!(f & (bits.crash | bits.leaderUp))) continue;
      g.fillStyle = f & bits.crash ? '#d01c1c' : '#b8860b';
      g.fillRect(3 + /** @type {number} */ (ev.lane[i]) * colW, y(/** @type {number} */ (m.row[i])) - 1, colW, 3);
    }
    const hl = d.highlight?.event ?? null;
    if (hl !== null) {
      g.fillStyle = '#c00050';
      g.fillRect(0, y(/** @type {number} */ (m.row[hl])) - 2, OVERVIEW_W, 5);
    }
    this.update();
  }

  /** Moves the box to the rows in view. */
  update() {
    const d = this.model.data;
    const h = Math.max(1, this.diagram.viewH - HEADER_H);
    const rows = Math.max(1, d.rows);
    const { top } = this.diagram.windowRows();
    const visible = (this.diagram.viewH - HEADER_H) / ROW_H;
    const y1 = (top / rows) * h;
    const hh = Math.max(4, (visible / rows) * h);
    this.box.style.top = `${HEADER_H + y1}px`;
    this.box.style.height = `${Math.min(h - y1, hh)}px`;
  }
}

// Every layout problem the hall would see on the current page, as strings naming the element,
// its size and where. Run by tests/test_browser.py with the px of the main chart that must
// be on the first screen.
(visiblePx) => {
  const problems = [];
  const vw = window.innerWidth, vh = window.innerHeight;
  // On screen: laid out, not in a collapsed sidebar (presenter mode), not scrolled off sideways.
  const shown = el => el.offsetParent !== null && el.getBoundingClientRect().width > 0
    && !(el.closest('[data-testid="stSidebar"]')
         && el.closest('[data-testid="stSidebar"]').getBoundingClientRect().width < 100)
    && el.getBoundingClientRect().right > 0;
  const name = el => {
    const id = el.getAttribute('data-testid') || el.className.baseVal || el.className || el.tagName;
    const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ');
    return `${id} "${text.slice(0, 40)}"`;
  };
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(shown);
  if (!charts.length) problems.push('no chart on the page');
  else {
    const r = charts[0].getBoundingClientRect();
    const visible = Math.min(r.bottom, vh) - r.top;
    if (r.top >= vh || visible < Math.min(visiblePx, r.height))
      problems.push(`main chart starts at y=${Math.round(r.top)} (height ${Math.round(r.height)}):`
                    + ` ${Math.max(0, Math.round(visible))} px visible in the ${vh} px screen`);
  }
  const widgets = ['[data-testid="stButton"]', '[data-testid="stDownloadButton"]',
    '[data-testid="stMetric"]', '[data-testid="stSelectbox"]', '[data-testid="stMultiSelect"]',
    // Tab bars, not whole tab containers: a full-width table's resize handle hangs 10 px
    // outside its box by design, which would count as the container overflowing.
    '[data-testid="stButtonGroup"]', '[data-testid="stNumberInput"]',
    '[data-testid="stTable"]', '.katex-display', '[data-testid="stPageLink"]',
    '[data-testid="stSlider"]', '[data-testid="stRadio"]', '[role="tablist"]',
    '[data-testid="stDataFrame"] .dvn-scroller'].join(',');
  // Cut: a text box that clips (overflow hidden, ellipsis) narrower than its text.
  // Overflowing: the widget itself wider than its place (LaTeX, tables and tab bars scroll).
  const clips = el => {
    const style = getComputedStyle(el);
    return style.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(style.overflowX);
  };
  for (const root of document.querySelectorAll(widgets)) {
    if (!shown(root) || root.clientWidth < 4) continue;
    // KaTeX boxes measure up to 2 px wider than their text (glyph overhang at a root sign or
    // superscript); a formula cut off shows far more than that.
    const slack = root.matches('.katex-display') ? 3 : 1;
    if (root.scrollWidth > root.clientWidth + slack) {
      problems.push(`${name(root)} overflows: needs ${root.scrollWidth} px, has ${root.clientWidth}`);
      continue;
    }
    if (root.matches('.katex-display')) continue;  // KaTeX's own boxes overhang by design
    for (const el of root.querySelectorAll('*')) {
      // Skip what no one reads as text: charts' SVG, screen-reader copies (1 px boxes).
      if (el instanceof SVGElement || el.closest('.js-plotly-plot')) continue;
      if (!shown(el) || el.clientWidth < 4 || !clips(el)) continue;
      if (el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${name(root)} cut: ${name(el)} needs ${el.scrollWidth} px, has ${el.clientWidth}`);
        break;
      }
    }
  }
  // A multiselect hides the chips that do not fit behind its clear and open icons.
  for (const select of document.querySelectorAll('[data-testid="stMultiSelect"]')) {
    const box = select.querySelector('[data-baseweb="select"]');
    if (!shown(select) || !box) continue;
    const room = box.getBoundingClientRect().right - 48;
    const hidden = [...select.querySelectorAll('[data-baseweb="tag"]')]
      .filter(tag => tag.getBoundingClientRect().right > room);
    if (hidden.length)
      problems.push(`${name(select)} cut: ${hidden.length} chosen item(s) hidden, first "${hidden[0].innerText}"`);
  }
  const doc = document.scrollingElement || document.documentElement;
  if (doc.scrollWidth > vw + 1) problems.push(`page scrolls sideways: ${doc.scrollWidth} px wide`);
  if (main.scrollWidth > main.clientWidth + 1)
    problems.push(`main area scrolls sideways: ${main.scrollWidth} > ${main.clientWidth} px`);
  // Pairs of texts in a chart (tick and axis labels, titles, legend, annotations, colour bar,
  // player) drawn over each other, or over a player's button: each line of a multi-line text
  // on its own, so an empty line kept as a spacer covers nothing.
  const collisions = chart => {
    const seen = el => { let n = el; while (n && n.nodeType === 1) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
      n = n.parentElement; } return true; };
    const items = [];
    for (const t of chart.querySelectorAll('.main-svg text')) {
      if (t.closest('.hoverlayer') || invisible(t) || !seen(t)) continue;
      const lines = [...t.querySelectorAll('tspan.line')];
      for (const part of (lines.length ? lines : [t])) {
        const text = part.textContent.replace(/\u00a0/g, ' ').trim();
        const r = part.getBoundingClientRect();
        if (text && r.width >= 1 && r.height >= 1) items.push({el: t, text, r, button: false});
      }
    }
    for (const b of chart.querySelectorAll('.updatemenu-button rect')) {
      const r = b.getBoundingClientRect();
      if (r.width >= 1 && seen(b)) items.push({el: b.closest('.updatemenu-button'), text: 'button', r, button: true});
    }
    const found = [];
    const apart = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) <= 1.5
      || Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) <= 1.5;
    items.forEach((a, i) => items.slice(i + 1).forEach(b => {
      if (a.button && b.button) return;
      if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) return;  // a button's own label
      if (!apart(a.r, b.r)) found.push([a.text.slice(0, 20), b.text.slice(0, 20)]);
    }));
    return found;
  };
  // Text Plotly keeps for its own layout but nobody sees (a player's slider labels): Plotly
  // writes a transparent colour as its RGB and a fill-opacity of 0.
  const invisible = t => { const s = getComputedStyle(t);
    return s.fill === 'rgba(0, 0, 0, 0)' || parseFloat(s.fillOpacity) === 0; };
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  charts.forEach((chart, i) => {
    const svg = chart.querySelector('.main-svg');
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    const title = chart.querySelector('.g-gtitle text');
    const label = `chart ${i}` + (title ? ` "${title.textContent.slice(0, 30)}"` : '');
    const titles = [...chart.querySelectorAll('.g-gtitle text, [class^="g-x"][class$="title"] text, [class^="g-y"][class$="title"] text')]
      .filter(t => t.textContent.trim());
    for (const entry of chart.querySelectorAll('.legend .traces')) {
      const e = entry.getBoundingClientRect();
      for (const t of titles)
        if (overlap(e, t.getBoundingClientRect()))
          problems.push(`${label}: legend entry "${entry.textContent}" covers "${t.textContent.slice(0, 30)}"`);
    }
    for (const t of titles) {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1)
        problems.push(`${label}: title "${t.textContent.slice(0, 30)}" cut (${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} of ${Math.round(box.width)} px)`);
    }
    for (const t of chart.querySelectorAll('.xtick text, .ytick text'))
      if (/rotate\((?!0[,)])/.test(t.getAttribute('transform') || ''))
        { problems.push(`${label}: rotated tick label "${t.textContent}"`); break; }
    for (const [a, b] of collisions(chart))
      problems.push(`${label}: "${a}" and "${b}" drawn over each other`);
    for (const t of chart.querySelectorAll('.main-svg text')) {
      const size = parseFloat(t.style.fontSize || getComputedStyle(t).fontSize);
      if (t.textContent.trim() && !t.closest('.hoverlayer') && size < 15.5 && !invisible(t))
        { problems.push(`${label}: text "${t.textContent.slice(0, 20)}" at ${size} px`); break; }
    }
  });
  // A metric's value is its point: never smaller than its label.
  for (const metric of main.querySelectorAll('[data-testid="stMetric"]')) {
    const part = id => metric.querySelector(`[data-testid="${id}"] p`)
      || metric.querySelector(`[data-testid="${id}"]`);
    const value = part('stMetricValue'), label = part('stMetricLabel');
    if (!shown(metric) || !value || !label) continue;
    const size = el => parseFloat(getComputedStyle(el).fontSize);
    if (size(value) < 1.5 * size(label))
      problems.push(`${name(metric)}: value at ${size(value)} px beside a ${size(label)} px label`);
  }
  return problems;
}

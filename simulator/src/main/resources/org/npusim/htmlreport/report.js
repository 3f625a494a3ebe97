// SPDX-License-Identifier: Apache-2.0
// The npusim HTML report's script: reads the data element and draws every chart as SVG. No libraries, no network.
// When it has run without an error it sets data-status="ok" on <html>; on an error, data-status="error".
(function () {
  'use strict';

  var root = document.documentElement;
  var SVG_NS = 'http' + '://www.w3.org/2000/svg';

  function fail(message) {
    root.setAttribute('data-status', 'error');
    root.setAttribute('data-error', message);
    var e = document.getElementById('status-error');
    if (e) {
      e.hidden = false;
      e.textContent = 'The report script failed: ' + message;
    }
  }

  window.addEventListener('error', function (ev) {
    fail(ev.message || 'unknown error');
  });

  // ---- Formatting ----

  function fixed(v, digits) {
    return Number(v).toFixed(digits);
  }

  function fmtTime(s) {
    if (s === 0) return '0';
    var a = Math.abs(s);
    if (a >= 1) return fixed(s, 3) + ' s';
    if (a >= 1e-3) return fixed(s * 1e3, a >= 1e-2 ? 2 : 3) + ' ms';
    if (a >= 1e-6) return fixed(s * 1e6, a >= 1e-5 ? 1 : 2) + ' \u00b5s';
    return fixed(s * 1e9, 1) + ' ns';
  }

  /** Axis labels: the same units without trailing zeros (6 ms, 2.5 MB). */
  function trimZeros(label) {
    return label.replace(/(\.\d*?)0+(?=\s)/, '$1').replace(/\.(?=\s)/, '');
  }

  function fmtBytes(b) {
    var a = Math.abs(b);
    if (a >= 1e9) return fixed(b / 1e9, 2) + ' GB';
    if (a >= 1e6) return fixed(b / 1e6, 2) + ' MB';
    if (a >= 1e3) return fixed(b / 1e3, 1) + ' kB';
    return Math.round(b) + ' B';
  }

  function fmtEnergy(j) {
    var a = Math.abs(j);
    if (a >= 1) return fixed(j, 3) + ' J';
    if (a >= 1e-3) return fixed(j * 1e3, 3) + ' mJ';
    if (a >= 1e-6) return fixed(j * 1e6, 2) + ' \u00b5J';
    return fixed(j * 1e9, 2) + ' nJ';
  }

  function fmtPct(share, digits) {
    return fixed(share * 100, digits === undefined ? 0 : digits) + '%';
  }

  function fmtSigned(change) {
    var s = (change >= 0 ? '+' : '') + fixed(change * 100, 1) + '%';
    return s === '-0.0%' ? '+0.0%' : s;
  }

  function fmtInt(n) {
    return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  function fmtRate(macsPerSecond) {
    var a = Math.abs(macsPerSecond);
    function p3(v) { return String(+v.toPrecision(3)); }
    if (a >= 1e12) return p3(macsPerSecond / 1e12) + ' TMAC/s';
    if (a >= 1e9) return p3(macsPerSecond / 1e9) + ' GMAC/s';
    if (a >= 1e6) return p3(macsPerSecond / 1e6) + ' MMAC/s';
    return p3(macsPerSecond / 1e3) + ' kMAC/s';
  }

  // ---- DOM and SVG helpers ----

  function html(tag, attrs, parent, textContent) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    }
    if (textContent !== undefined) e.textContent = textContent;
    if (parent) parent.appendChild(e);
    return e;
  }

  function svgEl(tag, attrs, parent) {
    var e = document.createElementNS(SVG_NS, tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    }
    if (parent) parent.appendChild(e);
    return e;
  }

  function svgText(parent, x, y, str, attrs) {
    var a = attrs || {};
    a.x = x;
    a.y = y;
    var t = svgEl('text', a, parent);
    t.textContent = str;
    return t;
  }

  function tooltip(node, str) {
    var t = svgEl('title', null, node);
    t.textContent = str;
  }

  function newSvg(container, width, height) {
    return svgEl('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' }, container);
  }

  function legend(container, items) {
    var box = html('div', { 'class': 'legend' }, container);
    items.forEach(function (it) {
      var item = html('span', null, box);
      var sw = html('span', { 'class': 'sw' }, item);
      sw.style.background = it.color;
      item.appendChild(document.createTextNode(it.label));
    });
  }

  function table(container, headers, rows, numeric) {
    var t = html('table', null, container);
    var head = html('tr', null, html('thead', null, t));
    headers.forEach(function (h, i) {
      html('th', numeric && numeric[i] ? { 'class': 'num' } : null, head, h);
    });
    var body = html('tbody', null, t);
    rows.forEach(function (r) {
      var tr = html('tr', r.cls ? { 'class': r.cls } : null, body);
      r.cells.forEach(function (c, i) {
        var td = html('td', numeric && numeric[i] ? { 'class': 'num' } : null, tr);
        if (c && typeof c === 'object') {
          td.textContent = c.text;
          if (c.cls) td.className += (td.className ? ' ' : '') + c.cls;
        } else {
          td.textContent = c;
        }
      });
    });
    return t;
  }

  // ---- Colours ----

  var FIXED_COLORS = {
    mac: '#4e79a7', output: '#f28e2b', 'weight-decoder': '#76b7b2', 'scale-fetch': '#d4a6c8', dma: '#e15759',
    cpu: '#59a14f', npu: '#9c755f'
  };
  var PALETTE = ['#b07aa1', '#edc948', '#ff9da7', '#9c755f', '#86bcb6', '#d37295', '#a0cbe8', '#8cd17d'];
  var RESOURCE_ORDER = ['npu', 'mac', 'output', 'weight-decoder', 'scale-fetch', 'dma', 'cpu'];

  function resourceOrder(names) {
    return names.slice().sort(function (a, b) {
      var ia = RESOURCE_ORDER.indexOf(a);
      var ib = RESOURCE_ORDER.indexOf(b);
      ia = ia < 0 ? RESOURCE_ORDER.length : ia;
      ib = ib < 0 ? RESOURCE_ORDER.length : ib;
      return ia !== ib ? ia - ib : (a < b ? -1 : a > b ? 1 : 0);
    });
  }

  // One colour per memory, shared by every chart: a channel axiN:M, M's traffic, M's roof and M's energy.
  var memoryColors = {};

  function assignMemoryColors(D) {
    var names = {};
    Object.keys(D.total.traffic).forEach(function (m) { names[m] = true; });
    D.roofs.memories.forEach(function (m) { names[m.name] = true; });
    D.layers.forEach(function (l) {
      Object.keys(l.busySeconds).forEach(function (r) {
        var m = channelMemory(r);
        if (m) names[m] = true;
      });
    });
    Object.keys(names).sort().forEach(function (m, i) { memoryColors[m] = PALETTE[i % PALETTE.length]; });
  }

  function channelMemory(resource) {
    var colon = resource.indexOf(':');
    return resource.indexOf('axi') === 0 && colon > 0 ? resource.substring(colon + 1) : '';
  }

  function colorOf(resource) {
    if (FIXED_COLORS[resource]) return FIXED_COLORS[resource];
    var m = channelMemory(resource) || resource;
    return memoryColors[m] || '#8a93a3';
  }

  function boundClass(bottleneck) {
    if (bottleneck === 'mac' || bottleneck === 'output' || bottleneck === 'npu') return 'compute';
    if (bottleneck.indexOf('axi') === 0) return 'memory port';
    if (bottleneck === 'dma') return 'DMA';
    if (bottleneck === 'weight-decoder') return 'weight decoder';
    if (bottleneck === 'scale-fetch') return 'scale fetch';
    if (bottleneck === 'cpu') return 'CPU';
    return 'other';
  }

  var BOUND_COLORS = {
    compute: '#4e79a7', 'memory port': '#f28e2b', DMA: '#e15759', 'weight decoder': '#76b7b2', 'scale fetch': '#d4a6c8',
    CPU: '#59a14f', other: '#8a93a3'
  };

  // ---- Axes ----

  function niceStep(max, ticks) {
    var raw = max / ticks;
    var mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var norm = raw / mag;
    var step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
    return step * mag;
  }

  function linearAxis(svg, box, max, format) {
    var step = niceStep(max > 0 ? max : 1, 5);
    var top = Math.ceil((max > 0 ? max : 1) / step) * step;
    var g = svgEl('g', { 'class': 'axis' }, svg);
    for (var v = 0; v <= top + step / 2; v += step) {
      var y = box.y + box.h - (v / top) * box.h;
      svgEl('line', { x1: box.x, x2: box.x + box.w, y1: y, y2: y, 'class': 'grid' }, g);
      svgText(g, box.x - 6, y + 4, format(v), { 'text-anchor': 'end' });
    }
    svgEl('line', { x1: box.x, x2: box.x, y1: box.y, y2: box.y + box.h }, g);
    svgEl('line', { x1: box.x, x2: box.x + box.w, y1: box.y + box.h, y2: box.y + box.h }, g);
    return top;
  }

  function layerTicks(svg, box, layers, barW) {
    var every = Math.max(1, Math.ceil(layers.length / 30));
    layers.forEach(function (l, i) {
      if (i % every === 0) {
        svgText(svg, box.x + (i + 0.5) * barW, box.y + box.h + 14, String(l.index), { 'text-anchor': 'middle' });
      }
    });
    svgText(svg, box.x + box.w / 2, box.y + box.h + 32, 'layer', { 'text-anchor': 'middle' });
  }

  // ---- Sections ----

  function summary(D, el) {
    var dl = html('dl', { 'class': 'summary' }, el);
    function row(k, v) {
      html('dt', null, dl, k);
      html('dd', null, dl, v);
    }
    var h = D.hardware;
    var t = D.total;
    var onNpu = D.layers.filter(function (l) { return l.unit === 'npu' && l.where !== 'none'; }).length;
    var onCpu = D.layers.filter(function (l) { return l.unit === 'cpu'; }).length;
    row('Model', D.model.name + ' (' + fmtInt(D.model.macs) + ' MACs, ' + D.layers.length + ' layers)');
    row('Hardware', h.name + ': ' + (h.npu ? h.npu + ' @ ' + fmtInt(h.npuClockHz / 1e6) + ' MHz, ' : 'no NPU, ')
      + h.cpu + ' @ ' + fmtInt(h.cpuClockHz / 1e6) + ' MHz' + (h.memoryMode ? ', ' + h.memoryMode : ''));
    row('Simulation', h.simulation);
    row('Time', fmtTime(t.seconds) + ' (' + fmtInt(t.cycles) + ' cycles)');
    row('Energy', fmtEnergy(t.energyJoules));
    row('Layers', onNpu + ' on the NPU, ' + onCpu + ' on the CPU');
    row('NPU / CPU layers', fmtInt(t.npuActiveCycles) + ' cycles on the NPU, ' + fmtInt(t.cpuCycles) + ' on the CPU');
    Object.keys(t.traffic).forEach(function (m) {
      row('Traffic ' + m, 'read ' + fmtBytes(t.traffic[m][0]) + ', written ' + fmtBytes(t.traffic[m][1]));
    });
    row('Weights', fmtBytes(t.weightsOriginalBytes) + ' original, ' + fmtBytes(t.weightsEncodedBytes) + ' encoded');
    // What each memory holds at its fullest: [size, used, constants, arena, cache, arena peak layer, cache peak layer,
    // inputs and outputs].
    Object.keys(t.memory).forEach(function (m) {
      var u = t.memory[m];
      var parts = [];
      function at(layer) { return layer >= 0 ? ' at layer ' + layer : ''; }
      if (u[2] > 0) parts.push('constants ' + fmtBytes(u[2]));
      if (u[3] > 0) parts.push('arena ' + fmtBytes(u[3]) + ' at its peak' + at(u[5]));
      if (u[4] > 0) parts.push('cache ' + fmtBytes(u[4]) + ' at its peak' + at(u[6]));
      if (u[7] > 0) parts.push('inputs and outputs ' + fmtBytes(u[7]));
      row('Memory ' + m, fmtBytes(u[1]) + ' of ' + fmtBytes(u[0]) + ' used (' + fmtPct(u[0] > 0 ? u[1] / u[0] : 0)
        + ')' + (parts.length ? ': ' + parts.join(', ') : ''));
    });
    var busy = Object.keys(t.utilization).map(function (r) { return r + ' ' + fmtPct(t.utilization[r]); });
    row('Busy over the run', busy.join(', '));
    D.notes.forEach(function (n) { row('Note', n); });
  }

  function layerChart(D, el) {
    var layers = D.layers;
    var names = {};
    layers.forEach(function (l) { Object.keys(l.busySeconds).forEach(function (r) { names[r] = true; }); });
    var resources = resourceOrder(Object.keys(names));
    var W = 1100;
    var H = 360;
    var box = { x: 70, y: 10, w: W - 80, h: H - 60 };
    var svg = newSvg(el, W, H);
    var max = 0;
    layers.forEach(function (l) {
      var sum = 0;
      resources.forEach(function (r) { sum += l.busySeconds[r] || 0; });
      max = Math.max(max, sum, l.seconds);
    });
    var top = linearAxis(svg, box, max, function (v) { return trimZeros(fmtTime(v)); });
    var barW = box.w / Math.max(1, layers.length);
    var scale = function (s) { return (s / top) * box.h; };
    layers.forEach(function (l, i) {
      var x = box.x + i * barW + Math.min(1, barW * 0.1);
      var w = Math.max(1, barW - 2 * Math.min(1, barW * 0.1));
      var y = box.y + box.h;
      var g = svgEl('g', null, svg);
      resources.forEach(function (r) {
        var v = l.busySeconds[r] || 0;
        if (v <= 0) return;
        var h = scale(v);
        y -= h;
        svgEl('rect', { x: x, y: y, width: w, height: Math.max(h, 0.5), fill: colorOf(r) }, g);
      });
      var ty = box.y + box.h - scale(l.seconds);
      svgEl('line', { x1: x - 1, x2: x + w + 1, y1: ty, y2: ty, stroke: '#000', 'stroke-width': 2 }, g);
      tooltip(g, '#' + l.index + ' ' + l.name + ' (' + l.op + ', ' + l.unit + ')\ntime ' + fmtTime(l.seconds)
        + '\nbound by ' + l.boundBy + ' (' + fmtPct(l.bottleneckShare) + ')\n'
        + resources.filter(function (r) { return l.busySeconds[r]; })
          .map(function (r) {
            var hidden = l.hiddenSeconds[r] || 0;
            return r + ' ' + fmtTime(l.busySeconds[r]) + (hidden > 0 ? ' (' + fmtTime(hidden) + ' under earlier layers)' : '');
          }).join('\n')
        + (Object.keys(l.criticalSeconds).length ? '\ntime went to ' + Object.keys(l.criticalSeconds)
          .map(function (r) { return r + ' ' + fmtTime(l.criticalSeconds[r]); }).join(', ') : ''));
    });
    layerTicks(svg, box, layers, barW);
    var items = resources.map(function (r) { return { color: colorOf(r), label: r }; });
    items.push({ color: '#000', label: 'layer time' });
    legend(el, items);
  }

  function trafficChart(D, el) {
    var layers = D.layers;
    var memories = Object.keys(D.total.traffic).sort();
    var series = [];
    memories.forEach(function (m) {
      series.push({ key: m, dir: 0, label: m + ' read (' + fmtBytes(D.total.traffic[m][0]) + ')' });
      series.push({ key: m, dir: 1, label: m + ' written (' + fmtBytes(D.total.traffic[m][1]) + ')' });
    });
    series.forEach(function (s) {
      s.color = colorOf(s.key);
      s.opacity = s.dir === 0 ? 1 : 0.45;
    });
    var W = 1100;
    var H = 300;
    var box = { x: 70, y: 10, w: W - 80, h: H - 60 };
    var svg = newSvg(el, W, H);
    var max = 0;
    layers.forEach(function (l) {
      var sum = 0;
      series.forEach(function (s) { sum += l.traffic[s.key] ? l.traffic[s.key][s.dir] : 0; });
      max = Math.max(max, sum);
    });
    var top = linearAxis(svg, box, max, function (v) { return trimZeros(fmtBytes(v)); });
    var barW = box.w / Math.max(1, layers.length);
    layers.forEach(function (l, i) {
      var x = box.x + i * barW + Math.min(1, barW * 0.1);
      var w = Math.max(1, barW - 2 * Math.min(1, barW * 0.1));
      var y = box.y + box.h;
      var g = svgEl('g', null, svg);
      var lines = [];
      series.forEach(function (s) {
        var v = l.traffic[s.key] ? l.traffic[s.key][s.dir] : 0;
        if (v <= 0) return;
        var h = (v / top) * box.h;
        y -= h;
        svgEl('rect', { x: x, y: y, width: w, height: Math.max(h, 0.5), fill: s.color, 'fill-opacity': s.opacity }, g);
        lines.push(s.key + (s.dir === 0 ? ' read ' : ' written ') + fmtBytes(v));
      });
      tooltip(g, '#' + l.index + ' ' + l.name + '\n' + lines.join('\n'));
    });
    layerTicks(svg, box, layers, barW);
    legend(el, series.map(function (s) {
      return { color: s.dir === 0 ? s.color : hexWithAlpha(s.color, s.opacity), label: s.label };
    }));
  }

  function hexWithAlpha(hex, alpha) {
    var r = parseInt(hex.substr(1, 2), 16);
    var g = parseInt(hex.substr(3, 2), 16);
    var b = parseInt(hex.substr(5, 2), 16);
    return 'rgba(' + r + ',' + g + ',' + b + ',' + alpha + ')';
  }

  function roofline(D, el) {
    var points = D.layers.filter(function (l) {
      var bytes = 0;
      Object.keys(l.traffic).forEach(function (m) { bytes += l.traffic[m][0] + l.traffic[m][1]; });
      l.bytesMoved = bytes;
      return l.macs > 0 && bytes > 0 && l.seconds > 0;
    });
    var compute = D.roofs.computeMacsPerSecond;
    var mems = D.roofs.memories;
    var W = 1100;
    var H = 420;
    var box = { x: 96, y: 12, w: W - 116, h: H - 60 };
    var svg = newSvg(el, W, H);
    var xs = points.map(function (p) { return p.macs / p.bytesMoved; });
    var ys = points.map(function (p) { return p.macs / p.seconds; });
    mems.forEach(function (m) { if (compute) xs.push(compute / m.bytesPerSecond); });
    if (compute) ys.push(compute);
    if (xs.length === 0) {
      svgText(svg, box.x, box.y + 20, 'No layer with MACs and memory traffic to plot.');
      return;
    }
    var xMin = Math.pow(10, Math.floor(Math.log(Math.min.apply(null, xs) / 2) / Math.LN10));
    var xMax = Math.pow(10, Math.ceil(Math.log(Math.max.apply(null, xs) * 2) / Math.LN10));
    var yMin = Math.pow(10, Math.floor(Math.log(Math.min.apply(null, ys) / 2) / Math.LN10));
    var yMax = Math.pow(10, Math.ceil(Math.log(Math.max.apply(null, ys) * 2) / Math.LN10));
    var lx = function (v) { return box.x + (Math.log(v / xMin) / Math.log(xMax / xMin)) * box.w; };
    var ly = function (v) { return box.y + box.h - (Math.log(v / yMin) / Math.log(yMax / yMin)) * box.h; };
    var clampY = function (v) { return Math.max(yMin, Math.min(yMax, v)); };
    var axis = svgEl('g', { 'class': 'axis' }, svg);
    var d;
    for (d = xMin; d <= xMax * 1.001; d *= 10) {
      svgEl('line', { x1: lx(d), x2: lx(d), y1: box.y, y2: box.y + box.h, 'class': 'grid' }, axis);
      svgText(axis, lx(d), box.y + box.h + 14, String(+d.toPrecision(3)), { 'text-anchor': 'middle' });
    }
    for (d = yMin; d <= yMax * 1.001; d *= 10) {
      svgEl('line', { x1: box.x, x2: box.x + box.w, y1: ly(d), y2: ly(d), 'class': 'grid' }, axis);
      svgText(axis, box.x - 6, ly(d) + 4, fmtRate(d), { 'text-anchor': 'end' });
    }
    svgEl('rect', { x: box.x, y: box.y, width: box.w, height: box.h, fill: 'none', stroke: '#8a93a3' }, axis);
    svgText(svg, box.x + box.w / 2, box.y + box.h + 34, 'arithmetic intensity (MACs per byte moved)', { 'text-anchor': 'middle' });
    var items = [];
    mems.forEach(function (m) {
      var color = colorOf(m.name);
      var ridge = compute ? compute / m.bytesPerSecond : xMax;
      var x2 = Math.min(ridge, xMax);
      var pts = [];
      var steps = 24;
      for (var i = 0; i <= steps; i++) {
        var x = xMin * Math.pow(x2 / xMin, i / steps);
        var y = m.bytesPerSecond * x;
        if (y >= yMin && y <= yMax) pts.push(lx(x) + ',' + ly(y));
      }
      if (pts.length > 1) {
        var line = svgEl('polyline', { points: pts.join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }, svg);
        tooltip(line, m.name + ' (' + m.kind + ') bandwidth roof: ' + fmtBytes(m.bytesPerSecond) + '/s');
      }
      items.push({ color: color, label: m.name + ' roof ' + fmtBytes(m.bytesPerSecond) + '/s' });
    });
    if (compute) {
      var minRidge = xMax;
      mems.forEach(function (m) { minRidge = Math.min(minRidge, compute / m.bytesPerSecond); });
      var cl = svgEl('line', {
        x1: lx(Math.max(xMin, minRidge)), x2: lx(xMax), y1: ly(clampY(compute)), y2: ly(clampY(compute)),
        stroke: '#1d2330', 'stroke-width': 2
      }, svg);
      tooltip(cl, 'compute roof: ' + fmtRate(compute));
      items.push({ color: '#1d2330', label: 'compute roof ' + fmtRate(compute) });
    }
    var used = {};
    points.forEach(function (p) {
      var cls = boundClass(p.bottleneck);
      used[cls] = true;
      var c = svgEl('circle', {
        cx: lx(p.macs / p.bytesMoved), cy: ly(clampY(p.macs / p.seconds)), r: 4.5,
        fill: BOUND_COLORS[cls], 'fill-opacity': 0.85, stroke: '#fff', 'stroke-width': 0.8
      }, svg);
      tooltip(c, '#' + p.index + ' ' + p.name + ' (' + p.op + ')\n' + fmtRate(p.macs / p.seconds) + ' at '
        + fixed(p.macs / p.bytesMoved, 2) + ' MACs/B\nbound by ' + p.boundBy);
    });
    Object.keys(BOUND_COLORS).forEach(function (k) {
      if (used[k]) items.push({ color: BOUND_COLORS[k], label: 'layer bound by ' + k });
    });
    var skipped = D.layers.length - points.length;
    legend(el, items);
    if (skipped > 0) {
      html('p', { 'class': 'caption' }, el, skipped + ' layers without MACs or memory traffic are not plotted.');
    }
  }

  function energy(D, el) {
    var E = D.energy;
    var parts = [{ color: colorOf('mac'), label: 'NPU MACs', value: E.npuMacJoules }];
    if (E.cpuJoules > 0) parts.push({ color: colorOf('cpu'), label: 'CPU', value: E.cpuJoules });
    Object.keys(E.memoryJoules).sort().forEach(function (m) {
      parts.push({ color: colorOf(m), label: m + ' accesses', value: E.memoryJoules[m] });
    });
    parts.push({ color: '#bab0ac', label: 'static', value: E.staticJoules });
    var total = 0;
    parts.forEach(function (p) { total += p.value; });
    var W = 1100;
    var H = 64;
    var box = { x: 10, y: 8, w: W - 20, h: 36 };
    var svg = newSvg(el, W, H);
    var x = box.x;
    parts.forEach(function (p) {
      if (!(p.value > 0) || total <= 0) return;
      var w = (p.value / total) * box.w;
      var r = svgEl('rect', { x: x, y: box.y, width: Math.max(w, 1), height: box.h, fill: p.color }, svg);
      tooltip(r, p.label + ': ' + fmtEnergy(p.value) + ' (' + fmtPct(p.value / total, 1) + ')');
      if (w > 90) {
        svgText(svg, x + 6, box.y + box.h / 2 + 4, p.label + ' ' + fmtPct(p.value / total), { fill: '#fff' });
      }
      x += w;
    });
    svgText(svg, box.x, box.y + box.h + 16, 'total ' + fmtEnergy(total));
    legend(el, parts.map(function (p) {
      return { color: p.color, label: p.label + ' ' + fmtEnergy(p.value) + ' (' + fmtPct(total > 0 ? p.value / total : 0, 1) + ')' };
    }));
  }

  function bottlenecks(D, el) {
    table(el, ['#', 'layer', 'op', 'time', 'of run', 'bound by', 'share', 'time went to'], D.topLayers.map(function (l) {
      // The critical path's three largest parts from 1%, as the text report's "time went to" (the server orders them).
      var path = Object.keys(l.criticalPath).filter(function (r) { return l.criticalPath[r] >= 0.01; }).slice(0, 3).map(function (r) { return r + ' ' + fmtPct(l.criticalPath[r]); }).join(', ');
      return { cells: [String(l.index), l.name, l.op, fmtTime(l.seconds), fmtPct(l.shareOfRun, 1), l.boundBy, fmtPct(l.bottleneckShare), path] };
    }), [true, false, false, true, true, false, true, false]);
  }

  function whatIfs(D, el) {
    if (!D.whatIfsRun) {
      html('p', null, el, 'Not run (--no-what-if).');
      return;
    }
    if (D.whatIfs.length === 0) {
      html('p', null, el, 'None apply to this hardware.');
      return;
    }
    table(el, ['change', 'time', '\u0394 time', '\u0394 energy', 'detail', 'arguments'], D.whatIfs.map(function (w) {
      if (w.infeasible !== undefined) {
        return { cells: [w.change, '-', '-', '-', 'not possible: ' + w.infeasible, w.arguments] };
      }
      return {
        cells: [w.change, fmtTime(w.seconds),
          { text: fmtSigned(w.timeChange), cls: w.timeChange < 0 ? 'better' : w.timeChange > 0 ? 'worse' : '' },
          { text: fmtSigned(w.energyChange), cls: w.energyChange < 0 ? 'better' : w.energyChange > 0 ? 'worse' : '' },
          w.detail, w.arguments]
      };
    }), [false, true, true, true, false, false]);
  }

  function operators(D, el) {
    table(el, ['#', 'layer', 'op', 'runs on', 'how or why', 'time', 'bound by'], D.layers.map(function (l) {
      var where = l.where === 'none' ? '-' : l.where.toUpperCase();
      return {
        cls: l.where === 'cpu' ? 'cpu' : l.where === 'none' ? 'none' : '',
        // A CPU layer says which kernel ran it (with --cpu-kernels, the variant: 'arm_convolve_s8 [winograd-f4]').
        cells: [String(l.index), l.name, l.op, where, l.kernel ? l.reason + (l.reason ? '; ' : '') + 'kernel ' + l.kernel
          : l.reason, fmtTime(l.seconds), l.cycles > 0 ? l.boundBy : '-']
      };
    }), [true, false, false, false, false, true, false]);
  }

  /** Records where each chart's drawing is (page coordinates), for tests that check the rendered pixels. */
  function markRects() {
    Array.prototype.forEach.call(document.querySelectorAll('.chart'), function (c) {
      var svg = c.querySelector('svg');
      if (!svg) return;
      var r = svg.getBoundingClientRect();
      c.setAttribute('data-rect', [Math.round(r.left + window.scrollX), Math.round(r.top + window.scrollY),
        Math.round(r.width), Math.round(r.height)].join(','));
    });
  }

  try {
    var D = JSON.parse(document.getElementById('npusim-data').textContent);
    assignMemoryColors(D);
    var sections = [
      ['summary', summary], ['chart-layers', layerChart], ['chart-traffic', trafficChart],
      ['chart-roofline', roofline], ['chart-energy', energy], ['bottlenecks', bottlenecks],
      ['whatifs', whatIfs], ['operators', operators]
    ];
    sections.forEach(function (s) {
      var el = document.getElementById(s[0]);
      if (!el) throw new Error('missing element #' + s[0]);
      s[1](D, el);
    });
    markRects();
    if (root.getAttribute('data-status') === 'loading') {
      root.setAttribute('data-status', 'ok');
    }
  } catch (e) {
    fail(e && e.message ? e.message : String(e));
  }
})();

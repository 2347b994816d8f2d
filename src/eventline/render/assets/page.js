/* eventline's timeline page: the chart, search and filters, permalinks, keyboard.
   A fixed script: it reads data only from the page's JSON blocks and the DOM. */
(function () {
  "use strict";
  var DIV = "eventline-timeline";
  var $ = function (id) { return document.getElementById(id); };
  var gd = $(DIV);
  var fig = null;
  var config = JSON.parse($(DIV + "-config").textContent);
  var messages = JSON.parse($(DIV + "-messages").textContent);
  // Counts in the page's language, with Latin digits as the server wrote the others.
  var numbers = (document.documentElement.lang || "en") + "-u-nu-latn";
  var form = $(DIV + "-controls");
  var q = $(DIV + "-q"), category = $(DIV + "-category"), actor = $(DIV + "-actor");
  var status = $(DIV + "-status"), empty = $(DIV + "-empty");
  var details = $(DIV + "-details");
  var items = Array.prototype.slice.call(document.querySelectorAll("li.event"));
  var byId = {};
  var touch = window.matchMedia("(hover: none)").matches;
  var narrow = window.matchMedia("(max-width: 640px)").matches;

  /* Search text: no case, no accents, and typographic quotes read as the keyboard's
     (a typed "kyiv's" finds "Kyiv’s"). */
  /* Letters with no decomposition into a base letter and marks, as a reader types them
     on a keyboard without them ("lodz" for "Łódź", "strasse" for "Straße"). */
  var PLAIN = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ß": "ss",
               "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"};
  function fold(text) {
    return String(text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[łøđħıŀßæœþð]/g, function (c) { return PLAIN[c]; })
      .replace(/[\u2018\u2019\u201a\u201b\u2032\u02bc]/g, "'")
      .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"');
  }
  /* The search's words, folded; double quotes around them are not part of them (a phrase
     pasted in quotes, "munich", finds what munich finds). */
  function queryWords() {
    return fold(q.value).split(/\s+/).map(function (w) { return w.replace(/^"+|"+$/g, ""); })
      .filter(Boolean);
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  /* A data block: JSON, or on a large page JSON that is gzip-compressed and base64-encoded
     (read with the browser's own DecompressionStream: offline, no library). */
  function block(id) {
    var node = $(id);
    if (!node) { return Promise.resolve(null); }
    if (node.type === "application/json") { return Promise.resolve(JSON.parse(node.textContent)); }
    var text = atob(node.textContent), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  items.forEach(function (li) {
    var time = li.querySelector("time");
    /* What the search reads of a later event (see the table below): the texts, not
       the labels around them ("Tags: …" is no match for "tags"). */
    var text = [".title", ".summary", "time"].map(function (sel) {
      var el = li.querySelector(sel);
      return el ? el.textContent : "";
    }).concat([".actors", ".places", ".tags"].map(function (sel) {
      var el = li.querySelector(sel);
      return el ? el.getAttribute("data-names") : "";
    })).join(" ") + " " + (time ? time.getAttribute("data-edtf") : "");
    li._eventline = {
      text: fold(text), category: li.getAttribute("data-category"),
      actors: (li.getAttribute("data-actors") || "").split(" ")
    };
    byId[li.id.slice(6)] = li;
  });

  /* Clusters follow the zoom. In each panel, lane and slot (sub-row), markers nearer
     than NEAR_PX to a group's first are one cluster showing how many it holds. The
     figure comes grouped for one width; here they are grouped again for the real width
     and after every zoom, so members that now have room get their own markers and merge
     again when zooming out. Only events a search keeps take part. Markers on one spot
     (same-day events of one slot) are spread across their day in the overview once the
     day is wide enough for each to be NEAR_PX from the next, so zooming in far enough
     splits every cluster. */
  var NEAR_PX = 12, CLUSTER_LISTED = 8, SYMBOLS = {c: "circle", d: "diamond-open", s: "square-open"};
  var sets = null, shownIds = null, highlighted = null;
  function markerKind(t) { return t.meta && (t.meta[1] === "events" || t.meta[1] === "clusters") ? t.meta[1] : null; }
  /* Each lane with markers gets both an events and a clusters trace (an empty one waits). */
  function pairTraces(data) {
    var found = {}, keys = [];
    data.forEach(function (t) {
      var kind = markerKind(t);
      if (!kind) { return; }
      var key = t.meta[0] + " " + t.legendgroup;
      if (!found[key]) { found[key] = {}; keys.push(key); }
      found[key][kind] = t;
    });
    keys.forEach(function (key) {
      var pair = found[key], model = pair.events || pair.clusters, color = model.marker.color;
      var common = {type: model.type, xaxis: model.xaxis, yaxis: model.yaxis, legendgroup: model.legendgroup,
        showlegend: false, x: [], y: [], customdata: [], hovertext: [], hoverinfo: model.hoverinfo};
      if (model.type === "scatter") { common.cliponaxis = false; }
      if (!pair.events) {
        data.push(Object.assign(common, {mode: "markers", meta: [model.meta[0], "events"],
          marker: {symbol: [], size: [], color: color, line: {width: 2, color: color}}}));
      } else if (!pair.clusters) {
        data.push(Object.assign(common, {mode: "markers+text", meta: [model.meta[0], "clusters"],
          marker: {symbol: "circle", size: 22, color: color, line: {width: 2, color: "#ffffff"}},
          text: [], textposition: "middle center", textfont: {size: 11, color: "#ffffff"}}));
      }
    });
  }
  function axisOf(t, letter) {
    return gd._fullLayout[(t[letter + "axis"] || letter).replace(letter, letter + "axis")];
  }
  /* Milliseconds of a date as the figure writes them ("YYYY-MM-DD[THH:MM:SS]"), read as
     UTC as plotly.js reads them; numbers are milliseconds already. */
  function toMs(x) { return typeof x === "number" ? x : Date.parse(x.length > 10 ? x + "Z" : x); }
  /* The x pixel of a trace's dates. Before plotting (drawn = null) it is worked out from
     the layout and the chart's width, so the first drawing already has its final
     clusters, labels and band (each change after drawing redraws the whole chart). */
  var drawn = null;
  function pixels(t) {
    var name = (t.xaxis || "x").replace("x", "xaxis");
    if (drawn) {
      var xa = gd._fullLayout[name];
      return function (x) { return xa.c2p(toMs(x)); };
    }
    var layout = fig.layout, axis = layout[name], margin = layout.margin || {};
    var width = gd.clientWidth - (margin.l === undefined ? 80 : margin.l) - (margin.r === undefined ? 80 : margin.r);
    var r0 = toMs(axis.range[0]), r1 = toMs(axis.range[1]);
    return function (x) { return (toMs(x) - r0) / (r1 - r0) * width; };
  }
  function plotWidth(t) {
    var px = pixels(t), axis = (drawn ? gd._fullLayout : fig.layout)[(t.xaxis || "x").replace("x", "xaxis")];
    return px(axis.range[1]) - px(axis.range[0]);
  }
  /* Pixels per millisecond (plotly.js rounds pixels to 0.01, so its own factor). */
  function scaleOf(t) {
    var name = (t.xaxis || "x").replace("x", "xaxis");
    if (drawn) { return gd._fullLayout[name]._m; }
    var px = pixels(t), axis = fig.layout[name];
    return (px(axis.range[1]) - px(axis.range[0])) / (toMs(axis.range[1]) - toMs(axis.range[0]));
  }
  /* Every marker of every lane, read once from the figure: lone ones from their trace,
     cluster members from the positions and symbols the figure lists for them. */
  function collectMarkers(data) {
    var byKey = {};
    sets = [];
    data.forEach(function (t, i) {
      var kind = markerKind(t);
      if (!kind) { return; }
      var key = t.meta[0] + " " + t.legendgroup;
      if (!byKey[key]) { byKey[key] = {points: [], scale: null, panel: t.meta[0]}; sets.push(byKey[key]); }
      byKey[key][kind] = i;
    });
    sets.forEach(function (set) {
      var ev = data[set.events], cl = data[set.clusters];
      var symbols = ev.marker.symbol, sizes = ev.marker.size;
      ev.x.forEach(function (x, j) {
        set.points.push({id: ev.customdata[j][0], url: ev.customdata[j][1], x: toMs(x), at: x, y: ev.y[j],
          symbol: Array.isArray(symbols) ? symbols[j] : symbols,
          size: Array.isArray(sizes) ? sizes[j] : sizes, hover: ev.hovertext[j]});
      });
      cl.customdata.forEach(function (cd, j) {
        var days = (cd[3] || "").split(" "), codes = cd[4] || "", base = toMs(cl.x[j]);
        cd[2].split(" ").forEach(function (id, k) {
          var code = codes.charAt(k) || "c", at = base + (parseFloat(days[k]) || 0) * 864e5;
          set.points.push({id: id, url: null, x: at, at: null, y: cl.y[j], symbol: SYMBOLS[code.toLowerCase()],
            size: code === code.toUpperCase() ? 11 : 9, hover: null});
        });
      });
      set.points.sort(function (a, b) { return a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1); });
    });
  }
  /* A date string as the figure writes them: plotly.js would take numbers for a linear axis. */
  function dateOf(p) {
    if (p.dx !== p.x) { return new Date(p.dx).toISOString().slice(0, 19); }
    if (p.at === null) { p.at = new Date(p.x).toISOString().slice(0, 19); }
    return p.at;
  }
  /* The legend shows or hides a category's traces, but plotly.js skips empty ones, which
     a zoom may fill: each category's state is kept here and given to its marker traces. */
  var groupVisible = {};
  function followLegend(ev) {
    var update = ev && ev[0], indices = ev && ev[1];
    if (!update || !("visible" in update) || !indices) { return; }
    indices.forEach(function (i, k) {
      var v = Array.isArray(update.visible) ? update.visible[k] : update.visible, t = gd.data[i];
      if (t && t.legendgroup && (v === true || v === "legendonly")) { groupVisible[t.legendgroup] = v; }
    });
    var idx = [], vis = [];
    gd.data.forEach(function (t, i) {
      var want = groupVisible[t.legendgroup] || true;
      if (markerKind(t) && (t.visible === undefined ? true : t.visible) !== want) { idx.push(i); vis.push(want); }
    });
    if (idx.length) { Plotly.restyle(gd, {visible: vis}, idx); }
  }
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function titleOf(id) {
    var li = byId[id], row = li ? null : restRow(id);
    return li ? li.querySelector(".permalink").textContent : row ? row[1] : id;
  }
  /* The hover of a member that gets its own marker: title, date and category. */
  function pointHover(p) {
    if (p.hover === null) {
      var li = byId[p.id], row = li ? null : restRow(p.id), when = "", label = "";
      if (li) {
        when = li.querySelector("time").textContent;
        label = li.querySelector(".category bdi") ? li.querySelector(".category bdi").textContent : "";
        var source = li.querySelector(".sources a[href]");
        p.url = source ? source.getAttribute("href") : "";
      } else if (row) {
        when = rest.dates[row[2]][1]; label = rest.categories[row[3]] ? rest.categories[row[3]].label : "";
        p.url = "";
      }
      p.hover = "<b>" + esc(titleOf(p.id)) + "</b><br>" + esc(when) +
        (label ? " · \u2068" + esc(label) + "\u2069" : "");
    }
    return p.hover;
  }
  function clusterHover(members) {
    var lines = ["<b>" + esc(messages.cluster) + " (" + members.length.toLocaleString(numbers) + ")</b>"];
    members.slice(0, CLUSTER_LISTED).forEach(function (p) { lines.push("• " + esc(titleOf(p.id))); });
    if (members.length > CLUSTER_LISTED) { lines.push("…"); }
    lines.push("<i>" + esc(messages.cluster_hint) + "</i>");
    return lines.join("<br>");
  }
  /* A cluster's count as its marker shows it: thousands shortened the locale's way
     ("1.2K"; the hover gives the whole number); the marker grows to hold it. */
  var countFormat = null;
  function countText(n) {
    if (n < 1000) { return String(n); }
    countFormat = countFormat || new Intl.NumberFormat(numbers, {notation: "compact", maximumSignificantDigits: 2});
    return countFormat.format(n);
  }
  /* The points a search keeps, each with dx, where its marker goes: its own x, or for
     n markers on one spot of the overview, the middles of n equal parts of their day
     when a part is at least NEAR_PX wide (scale: pixels per millisecond). */
  var DAY_MS = 864e5;
  function spread(set, scale) {
    var points = set.points.filter(function (p) { return !shownIds || shownIds[p.id]; });
    var moved = false;
    for (var i = 0; i < points.length;) {
      var k = i;
      while (k < points.length && points[k].y === points[i].y && points[k].x === points[i].x) { k++; }
      var n = k - i, day = Math.floor(points[i].x / DAY_MS) * DAY_MS;
      var apart = set.panel === "overview" && n > 1 && scale * DAY_MS / n >= NEAR_PX;
      for (var m = i; m < k; m++) { points[m].dx = apart ? day + (m - i + 0.5) * DAY_MS / n : points[m].x; }
      moved = moved || apart;
      i = k;
    }
    if (moved) {
      points.sort(function (a, b) { return a.y - b.y || a.dx - b.dx || (a.id < b.id ? -1 : 1); });
    }
    return points;
  }
  /* Group again where the scale changed (force: always, e.g. after a search). */
  /* The new grouping as one restyle: per attribute, a value for each trace in indices
     (undefined where the attribute is not the trace's). */
  function regroup(force) {
    var data = drawn ? gd.data : fig.data, indices = [];
    var update = {x: [], y: [], customdata: [], hovertext: [], "marker.symbol": [], "marker.size": [], text: []};
    (sets || []).forEach(function (set) {
      var px = pixels(data[set.events]), scale = scaleOf(data[set.events]);
      if (!force && set.scale !== null && Math.abs(set.scale - scale) < 1e-6 * Math.abs(scale)) { return; }
      set.scale = scale;
      var groups = [], group = null, points = spread(set, scale);
      points.forEach(function (p) {
        var x = px(p.dx);
        if (group && group.y === p.y && x - group.px < NEAR_PX) { group.members.push(p); return; }
        group = {y: p.y, px: x, members: [p]};
        groups.push(group);
      });
      var e = {x: [], y: [], customdata: [], hovertext: [], symbol: [], size: []};
      var c = {x: [], y: [], customdata: [], hovertext: [], text: [], size: []};
      var model = data[set.clusters], font = model.textfont.size + "px " + ((fig.layout.font || {}).family || "sans-serif");
      if (set.clusterSize === undefined) { set.clusterSize = Array.isArray(model.marker.size) ? 22 : model.marker.size; }
      /* Earliest first, top slot first, as the figure lists them (the legend shows the first). */
      groups.sort(function (a, b) { return a.members[0].dx - b.members[0].dx || b.y - a.y; });
      groups.forEach(function (g) {
        var first = g.members[0];
        if (g.members.length === 1) {
          e.x.push(dateOf(first)); e.y.push(first.y); e.symbol.push(first.symbol); e.size.push(first.size);
          e.hovertext.push(pointHover(first)); e.customdata.push([first.id, first.url]);
        } else {
          var count = countText(g.members.length);
          c.x.push(dateOf(first)); c.y.push(first.y); c.text.push(count);
          c.size.push(Math.max(set.clusterSize, Math.ceil(textWidth(count, font)) + 8));
          c.hovertext.push(clusterHover(g.members));
          c.customdata.push(["", "", g.members.map(function (p) { return p.id; }).join(" ")]);
        }
      });
      indices.push(set.events, set.clusters);
      ["x", "y", "customdata", "hovertext"].forEach(function (k) { update[k].push(e[k], c[k]); });
      update["marker.symbol"].push(e.symbol, undefined);
      update["marker.size"].push(e.size, c.size);
      update.text.push(undefined, c.text);
    });
    return {update: update, indices: indices};
  }
  /* Before plotting: write a plan's values into the figure's traces. */
  function assign(plan, data) {
    Object.keys(plan.update).forEach(function (key) {
      plan.update[key].forEach(function (value, k) {
        if (value === undefined) { return; }
        var t = data[plan.indices[k]], path = key.split(".");
        if (path.length === 2) { t[path[0]][path[1]] = value; } else { t[key] = value; }
      });
    });
  }
  function recluster(force) {
    var plan = regroup(force);
    if (!plan.indices.length) { return Promise.resolve(); }
    return Plotly.restyle(gd, plan.update, plan.indices)
      .then(function () { return highlighted ? highlightChart(highlighted) : null; });
  }

  /* Focus labels are laid out for a 900 px plot. Where the plot is narrower (a tablet) or
     zoomed out, a title that would run past the plot's edge or into another title, bar
     or marker of its row is shortened with "…" to the room it has, or left out (its
     marker still shows it on hover). */
  var measure = null;
  function textWidth(text, font) {
    measure = measure || document.createElement("canvas").getContext("2d");
    measure.font = font;
    return measure.measureText(text).width;
  }
  function fitLabels() {
    var data = drawn ? gd.data : fig.data, idx = [], texts = [];
    data.forEach(function (t, i) {
      if (!t.meta || t.meta[1] !== "labels") { return; }
      if (!t._eventlineText) { t._eventlineText = t.text.slice(); }
      var font = t.textfont.size + "px " + ((fig.layout.font || {}).family || "sans-serif");
      var px = pixels(t), width = plotWidth(t);
      var sides = Array.isArray(t.textposition) ? t.textposition : [];
      var obstacles = [];  // [left, right, y, id] in the plot's pixels
      data.forEach(function (u) {
        if (!u.meta || u === t || u.legendgroup !== t.legendgroup || u.xaxis !== t.xaxis || !u.x) { return; }
        if (u.meta[1] === "spans") {
          for (var j = 0; j + 1 < u.x.length; j += 3) {
            if (u.x[j] !== null) { obstacles.push([px(u.x[j]), px(u.x[j + 1]), u.y[j], u.customdata[j]]); }
          }
        } else if (["events", "clusters", "ongoing"].indexOf(u.meta[1]) >= 0 && u.visible !== false) {
          u.x.forEach(function (x, j) {
            if (x === null) { return; }
            var size = Array.isArray(u.marker.size) ? u.marker.size[j] : u.marker.size, c = px(x);
            var cd = u.customdata[j];
            obstacles.push([c - size / 2, c + size / 2, u.y[j], cd[0] || cd[2]]);
          });
        }
      });
      /* A search hides labels by a null x: those take no room. */
      t.x.forEach(function (x, j) { if (x !== null) { obstacles.push([px(x), px(x), t.y[j], null]); } });
      var order = t.x.map(function (x, j) { return j; }).filter(function (j) { return t.x[j] !== null; })
        .sort(function (a, b) { return px(t.x[a]) - px(t.x[b]); });
      var out = t._eventlineText.slice();
      order.forEach(function (j) {
        var a = px(t.x[j]), y = t.y[j], id = t.customdata[j], left = /left$/.test(sides[j] || "");
        var room = left ? a : width - a;
        obstacles.forEach(function (o) {
          if (o[2] !== y || o[3] === id || (o[0] === a && o[1] === a && o[3] === null)) { return; }
          if (!left && o[1] > a + 1) { room = Math.min(room, Math.max(o[0] - a, 0)); }
          if (left && o[0] < a - 1) { room = Math.min(room, Math.max(a - o[1], 0)); }
        });
        room -= 2;
        var full = t._eventlineText[j], title = full.trim();
        if (textWidth(full, font) <= room) { out[j] = full; }
        else {
          var pad = function (text) { return left ? text + "  " : "  " + text; };
          var lo = 0, hi = title.length;
          while (lo < hi) {
            var mid = Math.ceil((lo + hi) / 2);
            if (textWidth(pad(title.slice(0, mid).trim() + "…"), font) <= room) { lo = mid; } else { hi = mid - 1; }
          }
          out[j] = lo >= 8 ? pad(title.slice(0, lo).trim() + "…") : "";
        }
        var w = textWidth(out[j], font);
        if (out[j]) { obstacles.push(left ? [a - w, a, y, id] : [a, a + w, y, id]); }
      });
      if (out.some(function (v, j) { return v !== t.text[j]; })) { idx.push(i); texts.push(out); }
    });
    if (!drawn) { idx.forEach(function (i, k) { data[i].text = texts[k]; }); return Promise.resolve(); }
    return idx.length ? Plotly.restyle(gd, {text: texts}, idx) : Promise.resolve();
  }

  /* A layout made for narrow screens: a compact overview above the chronology. */
  function compact(figure) {
    var layout = figure.layout;
    figure.data = figure.data.filter(function (t) { return (t.xaxis || "x") === "x"; });
    delete layout.xaxis2; delete layout.yaxis2;
    layout.annotations = (layout.annotations || []).slice(0, 1);
    /* No focus panel here, so no band pointing at it. */
    layout.shapes = (layout.shapes || []).filter(function (s) {
      return (s.xref === "x" || s.xref === "x domain") && s.name !== "focus week";
    });
    var rows = layout.yaxis.range[1] + 0.5;
    layout.yaxis.domain = [0, 1];
    layout.yaxis.tickfont = {size: 10};
    /* Lane names (the figure shortens one past 18 characters) go onto two or more lines,
       at spaces. */
    var longest = 0;
    layout.yaxis.ticktext = layout.yaxis.ticktext.map(function (t) {
      var lines = [];
      t.split(" ").forEach(function (word) {
        var last = lines.length - 1;
        if (last >= 0 && (lines[last] + " " + word).length <= 12) { lines[last] += " " + word; }
        else { lines.push(word); }
      });
      lines.forEach(function (line) { longest = Math.max(longest, line.length); });
      return lines.join("<br>");
    });
    layout.margin = {l: Math.min(120, Math.max(78, longest * 6 + 12)), r: 16, t: 28, b: 30};
    layout.height = Math.max(140, rows * 18 + 58);
    figure.data.forEach(function (t) {
      if (t.meta && t.meta[1] === "clusters") { t.marker.size = 17; t.textfont.size = 10; }
    });
    layout.showlegend = false;
    layout.dragmode = false;
    /* The time axis stays put: a tap reaches plotly.js as a touch and a mouse click,
       which it takes for a double click that would re-range the axis. */
    layout.xaxis.fixedrange = true;
    config.displayModeBar = false;
    return figure;
  }
  function prepare() {
    pairTraces(fig.data);
    if (narrow) { compact(fig); }
    /* A touch screen of any width (a tablet, a phone held sideways): a swipe on the
       chart scrolls the page, as on the compact chart, instead of panning the axis. */
    if (touch) {
      fig.layout.dragmode = false;
      Object.keys(fig.layout).filter(function (k) { return /^xaxis\d*$/.test(k); })
        .forEach(function (k) { fig.layout[k].fixedrange = true; });
    }
    /* On touch screens the box under the chart shows the tapped event: no Plotly hover
       label (a tap's emulated mouse put one up for a nearby event, wider than a phone).
       "none" rather than "skip": plotly_click still fires. */
    if (touch) {
      fig.data.forEach(function (t) { if (t.hoverinfo !== "skip") { t.hoverinfo = "none"; } });
    }
    /* One unseen point per panel keeps its axes drawn when a search leaves it empty. */
    Object.keys(fig.layout).filter(function (k) { return /^xaxis\d*$/.test(k); }).sort()
      .forEach(function (k) {
        var n = k.slice(5);
        fig.data.push({type: "scatter", mode: "markers", x: [fig.layout[k].range[0]], y: [0],
          xaxis: "x" + n, yaxis: "y" + n, marker: {opacity: 0}, hoverinfo: "skip",
          showlegend: false, meta: ["anchor"]});
      });
  }

  /* Events past the ones in the HTML: a table (see eventline.render.page._rest) that
     the search, permalinks, cluster lists and a paged list below the chronology read. */
  var restNode = $(DIV + "-rest"), rest = null, restById = {};
  var PAGE = restNode ? Number(restNode.getAttribute("data-page-size")) : 0, MEMBERS_SHOWN = 200;
  var restReady = block(DIV + "-rest").then(function (table) {
    rest = table;
    if (rest) { rest.events.forEach(function (row, i) { restById[row[0]] = i; row.push(null); }); }
  });
  var moreRows = [], moreStart = 0;  /* the rows the paged list goes through, and its page */
  function restRow(id) { return rest && id in restById ? rest.events[restById[id]] : null; }
  function restText(row) {
    if (row[9] === null) {
      var date = rest.dates[row[2]];
      row[9] = fold([row[1], row[7], actorNames(row), row[5], row[6], date[1], date[0]].join(" "));
    }
    return row[9];
  }
  /* An event's actors, from the table's [id, isolated name] rows. */
  function actorIds(row) { return row[4].map(function (k) { return rest.actors[k][0]; }).join(" "); }
  function actorNames(row) { return row[4].map(function (k) { return rest.actors[k][1]; }).join(", "); }
  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined) { el.textContent = text; }
    return el;
  }
  /* The entry as the HTML chronology writes it, from the table's text (text nodes only). */
  function restItem(row) {
    var li = element("li", "event extra"), c = rest.categories[row[3]], date = rest.dates[row[2]];
    var head = element("div", "head"), h = element("h3", "title"), a = element("a", "permalink", row[1]);
    var time = element("time", "", date[1]);
    li.id = "event-" + row[0];
    li.setAttribute("data-category", c ? c.id : "");
    li.setAttribute("data-actors", actorIds(row));
    /* datetime: the start as HTML reads a date (year, month or day); data-edtf: the date. */
    time.setAttribute("datetime", /^\d{4}(-\d{2}(-\d{2})?)?/.exec(date[0])[0]);
    time.setAttribute("data-edtf", date[0]);
    head.appendChild(time);
    if (c) {
      var badge = element("span", "category"), swatch = element("span", "swatch");
      swatch.style.background = c.color;
      badge.appendChild(swatch); badge.appendChild(element("bdi", "", c.label));
      head.appendChild(document.createTextNode(" ")); head.appendChild(badge);
    }
    h.id = "title-" + row[0];
    a.href = "#event-" + row[0];
    h.appendChild(a); li.appendChild(head); li.appendChild(h);
    if (row[7]) { li.appendChild(element("p", "summary", row[7])); }
    var names = actorNames(row);
    if (names || row[5] || row[6]) {
      var meta = element("p", "meta");
      [["actors", names], ["places", row[5]], ["tags", row[6]]].forEach(function (pair) {
        if (pair[1]) { meta.appendChild(element("span", pair[0], fill(messages[pair[0]], {names: pair[1]}))); }
      });
      li.appendChild(meta);
    }
    var sources = element("ul", "sources");
    row[8].forEach(function (k) {
      var source = rest.sources[k], item = element("li"), title = element("bdi", "", source[0]);
      if (source[1]) {
        var link = element("a");
        link.href = source[1]; link.rel = "noopener noreferrer nofollow"; link.target = "_blank";
        link.appendChild(title); item.appendChild(link);
      } else { item.appendChild(title); }
      if (source[2]) { item.appendChild(document.createTextNode(" (" + source[2] + ")")); }
      sources.appendChild(item);
    });
    li.appendChild(sources);
    var copy = element("button", "copy-link", messages.copy_link);
    copy.type = "button"; copy.setAttribute("data-id", row[0]);
    copy.setAttribute("aria-describedby", "title-" + row[0]);
    li.appendChild(copy);
    return li;
  }
  /* The paged list: PAGE rows of moreRows from moreStart, with its place among them. */
  function showMore(start) {
    var section = $(DIV + "-more"), list = $(DIV + "-more-list");
    if (!section) { return; }
    moreStart = Math.max(0, Math.min(start, moreRows.length - 1));
    moreStart -= moreStart % PAGE;
    var end = Math.min(moreRows.length, moreStart + PAGE);
    list.textContent = "";
    for (var i = moreStart; i < end; i++) { list.appendChild(restItem(moreRows[i])); }
    list.start = moreStart + 1;
    section.hidden = moreRows.length === 0;
    $(DIV + "-more-note").textContent = fill(messages.range, {first: (moreStart + 1).toLocaleString(numbers),
      last: end.toLocaleString(numbers), num: moreRows.length.toLocaleString(numbers)});
    $(DIV + "-more-previous").disabled = moreStart === 0;
    $(DIV + "-more-next").disabled = end >= moreRows.length;
  }
  if (restNode) {
    [["-more-previous", -1], ["-more-next", 1]].forEach(function (pair) {
      $(DIV + pair[0]).addEventListener("click", function () {
        showMore(moreStart + pair[1] * PAGE);
        var first = $(DIV + "-more-list").querySelector("a.permalink");
        if (first && !this.disabled) { this.focus(); } else if (first) { first.focus(); }
      });
    });
  }

  /* Search and filters, kept in the URL query. */
  function matches(li) {
    var info = li._eventline, words = queryWords();
    if (category.value && info.category !== category.value) { return false; }
    if (actor.value && info.actors.indexOf(actor.value) < 0) { return false; }
    return words.every(function (w) { return info.text.indexOf(w) >= 0; });
  }
  var original = null;
  function filterChart(visible) {
    if (!gd.data || (visible === null && !original)) { return; }  /* nothing filtered yet */
    if (!original) { original = gd.data.map(function (t) { return t.x ? t.x.slice() : null; }); }
    var xs = [], shown = [], indices = [];
    gd.data.forEach(function (t, i) {
      if (!t.customdata || !original[i] || !t.meta || t.meta[0] === "highlight" || markerKind(t)) { return; }
      var any = false;
      xs.push(original[i].map(function (x, j) {
        var cd = t.customdata[j];
        if (cd === null || cd === undefined) { return x; }
        var ids = Array.isArray(cd) ? (cd[2] ? cd[2].split(" ") : [cd[0]]) : [cd];
        var keep = visible === null || ids.some(function (id) { return visible[id]; });
        any = any || keep;
        return keep ? x : null;
      }));
      /* plotly.js draws a trace whose x are all null as a broken path: hide it instead,
         and give it back its own visibility (a legend may have hidden it) when it has points. */
      if (!any && !("_eventlineVisible" in t)) { t._eventlineVisible = t.visible; }
      var state = any ? ("_eventlineVisible" in t ? t._eventlineVisible : t.visible) : false;
      if (any) { delete t._eventlineVisible; }
      shown.push(state === undefined ? true : state);
      indices.push(i);
    });
    /* The markers are grouped again for the events shown, in the same (one) redraw. */
    shownIds = visible;
    var plan = regroup(true), update = plan.update;
    update.x = xs.concat(update.x);
    update.visible = shown.concat(plan.indices.map(function () { return undefined; }));
    Object.keys(update).forEach(function (k) {
      if (k !== "x" && k !== "visible") { update[k] = indices.map(function () { return undefined; }).concat(update[k]); }
    });
    indices = indices.concat(plan.indices);
    if (indices.length) {
      Plotly.restyle(gd, update, indices).then(function () {
        return highlighted ? highlightChart(highlighted) : null;
      });
    }
  }
  function apply(push) {
    var active = Boolean(q.value.trim() || category.value || actor.value);
    var visible = active ? {} : null, shown = 0;
    items.forEach(function (li) {
      var ok = !active || matches(li);
      li.hidden = !ok;
      if (ok) { shown += 1; if (active) { visible[li.id.slice(6)] = true; } }
    });
    if (rest) {
      var words = queryWords();
      moreRows = !active ? rest.events : rest.events.filter(function (row) {
        var c = rest.categories[row[3]];
        if (category.value && (!c || c.id !== category.value)) { return false; }
        if (actor.value && !row[4].some(function (k) { return rest.actors[k][0] === actor.value; })) { return false; }
        var text = restText(row);
        return words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      if (active) { moreRows.forEach(function (row) { visible[row[0]] = true; }); }
      showMore(0);
      shown += moreRows.length;
    }
    empty.hidden = !active || shown > 0;
    status.textContent = active ? fill(messages.shown, {shown: shown.toLocaleString(numbers)}) : "";
    filterChart(visible);
    if (push !== false) {
      var params = new URLSearchParams();
      if (q.value.trim()) { params.set("q", q.value.trim()); }
      if (category.value) { params.set("category", category.value); }
      if (actor.value) { params.set("actor", actor.value); }
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
  }
  function readQuery() {
    var params = new URLSearchParams(location.search);
    q.value = params.get("q") || "";
    [[category, "category"], [actor, "actor"]].forEach(function (pair) {
      var value = params.get(pair[1]) || "";
      var known = Array.prototype.some.call(pair[0].options, function (o) { return o.value === value; });
      pair[0].value = known ? value : "";
    });
  }
  var timer = null;
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  category.addEventListener("change", apply);
  actor.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  $(DIV + "-clear").addEventListener("click", function () {
    q.value = ""; category.value = ""; actor.value = ""; apply(); q.focus();
  });

  /* Highlight one event in the chronology and the chart. */
  function highlightChart(id) {
    if (!gd.data) { return Promise.resolve(); }
    highlighted = id || null;
    var old = [];
    gd.data.forEach(function (t, i) { if (t.meta && t.meta[0] === "highlight") { old.push(i); } });
    var chain = old.length ? Plotly.deleteTraces(gd, old) : Promise.resolve();
    if (!id) { return chain; }
    var spots = {};
    gd.data.forEach(function (t) {
      if (!t.meta || (t.meta[1] !== "events" && t.meta[1] !== "clusters") || !t.customdata) { return; }
      t.customdata.forEach(function (cd, j) {
        var ids = cd[2] ? cd[2].split(" ") : [cd[0]];
        if (ids.indexOf(id) < 0 || t.x[j] === null) { return; }
        var key = (t.xaxis || "x") + (t.yaxis || "y");
        spots[key] = spots[key] || {x: [], y: [], xaxis: t.xaxis || "x", yaxis: t.yaxis || "y"};
        spots[key].x.push(t.x[j]); spots[key].y.push(t.y[j]);
      });
    });
    var traces = Object.keys(spots).sort().map(function (k) {
      var s = spots[k];
      return {type: "scatter", mode: "markers", x: s.x, y: s.y, xaxis: s.xaxis, yaxis: s.yaxis,
        marker: {symbol: "circle-open", size: 28, color: "#111", line: {width: 3, color: "#111"}},
        /* Not clipped at the plot's edge: a ring around an event at the edge stays whole
           (the margins leave it room; plotly.js still hides rings outside the range). */
        cliponaxis: false, hoverinfo: "skip", showlegend: false, meta: ["highlight", id]};
    });
    return chain.then(function () { return traces.length ? Plotly.addTraces(gd, traces) : null; });
  }
  function mark(id, scroll) {
    var li = byId[id], row = li ? null : restRow(id);
    if ((li && li.hidden) || (row && moreRows.indexOf(row) < 0)) {
      q.value = ""; category.value = ""; actor.value = ""; apply();
      /* Say so: the reader's search is gone, and why. */
      status.textContent = messages.cleared;
    }
    if (row && !$("event-" + id)) { showMore(moreRows.indexOf(row)); }
    if (row) { li = $("event-" + id); }
    Array.prototype.forEach.call(document.querySelectorAll("li.event"), function (x) {
      x.classList.toggle("current", x.id === "event-" + id);
    });
    /* The entry's start at the top (its scroll margin clear of the edge): centred, a
       long entry's date and title went above a phone's screen. */
    if (li && scroll) { li.scrollIntoView({block: "start"}); }
    /* A link to an event the page does not hold (renamed, removed, mistyped): say so. */
    if (!li && !row) { status.textContent = fill(messages.unknown, {id: id}); }
    return highlightChart(li || id ? id : null);
  }
  function fromHash() {
    var m = /^#event-([a-z0-9-]+)$/.exec(location.hash);
    return m ? m[1] : null;
  }
  window.addEventListener("hashchange", function () {
    var id = fromHash();
    if (id) { mark(id, true); }
  });

  /* Copy-link buttons. */
  function linkTo(id) { return location.href.split("#")[0] + "#event-" + id; }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button.copy-link");
    if (!button) { return; }
    var id = button.getAttribute("data-id"), url = linkTo(id);
    history.replaceState(null, "", "#event-" + id);
    mark(id, false);
    var done = function () { status.textContent = fill(messages.copied, {url: url}); };
    var fail = function () { status.textContent = fill(messages.copy, {url: url}); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, fail);
    } else {
      var area = document.createElement("textarea");
      area.value = url; area.setAttribute("readonly", ""); area.style.position = "fixed";
      area.style.opacity = "0"; document.body.appendChild(area); area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      document.body.removeChild(area); button.focus();
      (ok ? done : fail)();
    }
  });

  /* Keyboard: arrows move between the visible events; focus shows the event in the chart. */
  var list = document.querySelector(".chronology");
  list.addEventListener("keydown", function (e) {
    var li = e.target.closest("li.event");
    if (!li || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var visible = Array.prototype.filter.call(document.querySelectorAll("li.event"),
      function (x) { return !x.hidden && !x.closest("[hidden]"); });
    var i = visible.indexOf(li), next = null;
    if (e.key === "ArrowDown" || e.key === "ArrowRight") { next = visible[i + 1]; }
    else if (e.key === "ArrowUp" || e.key === "ArrowLeft") { next = visible[i - 1]; }
    else if (e.key === "Home") { next = visible[0]; }
    else if (e.key === "End") { next = visible[visible.length - 1]; }
    else { return; }
    e.preventDefault();
    if (next) { next.querySelector("a.permalink").focus(); }
  });
  list.addEventListener("focusin", function (e) {
    var li = e.target.closest("li.event");
    if (li) { highlightChart(li.id.slice(6)); }
  });

  /* Taps and cluster clicks show the events in the details box under the chart. */
  function show(nodes) {
    var body = details.querySelector(".details-body");
    body.textContent = "";
    nodes.forEach(function (n) { body.appendChild(n); });
    if (details.hidden) { before = document.activeElement; }
    details.hidden = false;
    details.focus({preventScroll: true});
    details.scrollIntoView({block: "nearest"});
  }
  function eventCard(id) {
    var li = byId[id], box = document.createElement("div");
    if (!li && restRow(id)) { li = restItem(restRow(id)); }
    if (!li) { box.textContent = messages.missing; return box; }
    Array.prototype.forEach.call(li.children, function (child) {
      if (!child.classList.contains("copy-link")) {
        var copy = child.cloneNode(true);
        copy.removeAttribute("id");
        box.appendChild(copy);
      }
    });
    var go = document.createElement("a");
    go.href = "#event-" + id; go.textContent = messages.open; go.className = "go";
    box.appendChild(go);
    return box;
  }
  function clusterList(ids) {
    var heading = document.createElement("p"), ul = document.createElement("ul");
    heading.textContent = messages.cluster;
    ul.className = "members";
    ids.slice(0, MEMBERS_SHOWN).forEach(function (id) {
      var li = byId[id], row = li ? null : restRow(id);
      var item = document.createElement("li"), a = document.createElement("a");
      a.href = "#event-" + id;
      a.textContent = li ? li.querySelector("time").textContent + ": " +
        li.querySelector(".permalink").textContent : row ? rest.dates[row[2]][1] + ": " + row[1] : id;
      item.appendChild(a); ul.appendChild(item);
    });
    var nodes = [heading, ul];
    if (ids.length > MEMBERS_SHOWN) {
      nodes.push(element("p", "", fill(messages.members_more,
        {num: (ids.length - MEMBERS_SHOWN).toLocaleString(numbers)})));
    }
    return nodes;
  }
  /* Close (the button, or Escape inside the box): focus goes back where it was. */
  var before = null;
  function closeDetails() {
    details.hidden = true;
    if (before && before.focus && document.contains(before)) { before.focus({preventScroll: true}); }
    before = null;
  }
  details.querySelector(".details-close").addEventListener("click", closeDetails);
  details.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); closeDetails(); }
  });

  /* plotly.js takes no click from a tap where the chart does not pan, so taps are read
     here: the nearest event or cluster marker within a finger's reach. */
  function nearest(clientX, clientY) {
    var best = null, bestD = 24 * 24, box = gd.getBoundingClientRect();
    gd.data.forEach(function (t) {
      if (!t.meta || (t.meta[1] !== "events" && t.meta[1] !== "clusters") || !t.customdata) { return; }
      var xa = gd._fullLayout[(t.xaxis || "x").replace("x", "xaxis")];
      var ya = gd._fullLayout[(t.yaxis || "y").replace("y", "yaxis")];
      if (!xa || !ya) { return; }
      t.x.forEach(function (x, j) {
        if (x === null) { return; }
        var dx = box.left + xa._offset + xa.d2p(x) - clientX;
        var dy = box.top + ya._offset + ya.d2p(t.y[j]) - clientY;
        if (dx * dx + dy * dy < bestD) { bestD = dx * dx + dy * dy; best = t.customdata[j]; }
      });
    });
    return best;
  }
  var tapStart = null, lastTap = 0;
  gd.addEventListener("touchstart", function (e) {
    var t = e.changedTouches[0];
    tapStart = e.touches.length === 1 ? [t.clientX, t.clientY] : null;
  }, {passive: true, capture: true});
  gd.addEventListener("touchend", function (e) {
    var t = e.changedTouches[0];
    if (!tapStart || Math.abs(t.clientX - tapStart[0]) > 10 || Math.abs(t.clientY - tapStart[1]) > 10) { return; }
    var info = nearest(t.clientX, t.clientY);
    if (!info) { return; }
    /* No emulated mouse click after this tap: the box it opens moves the page, and the
       click would land on whatever is then under the finger (the box's Close, a link). */
    e.preventDefault();
    lastTap = Date.now();
    choose(info, true);
  }, {passive: false, capture: true});

  function choose(info, tapped) {
    if (info[2]) { show(clusterList(info[2].split(" "))); return; }
    var url = String(info[1] || "");
    if (tapped || touch) {
      show([eventCard(info[0])]);
      highlightChart(info[0]);
    } else if (/^https?:\/\//.test(url)) {
      window.open(url, "_blank", "noopener,noreferrer");
    } else if (byId[info[0]] || restRow(info[0])) {
      location.hash = "#event-" + info[0];
    }
  }

  /* The focus band stays a band when its week is narrower than a few pixels (at the
     overview's scale it is): then it is drawn BAND_PX wide around the week's middle. */
  var BAND_PX = 10;
  function fitBand() {
    var shapes = fig.layout.shapes || [], update = {}, px = pixels({xaxis: "x"});
    shapes.forEach(function (s, i) {
      if (s.name !== "focus week" || !fig.layout.xaxis) { return; }
      var week = s._week || [s.x0, s.x1];
      s._week = week;
      var a = px(week[0]), b = px(week[1]), pixel = b - a < BAND_PX;
      if (pixel === (s.xsizemode === "pixel")) { return; }
      var key = "shapes[" + i + "].";
      if (pixel) {
        update[key + "xsizemode"] = "pixel";
        /* the week's middle, in the "YYYY-MM-DDTHH:MM:SS" the figure uses (plotly.js reads
           dates as UTC-free calendar times, as toISOString writes them) */
        update[key + "xanchor"] = new Date((toMs(week[0]) + toMs(week[1])) / 2).toISOString().slice(0, 19);
        update[key + "x0"] = -BAND_PX / 2; update[key + "x1"] = BAND_PX / 2;
      } else {
        update[key + "xsizemode"] = "scaled";
        update[key + "x0"] = week[0]; update[key + "x1"] = week[1];
      }
    });
    if (!drawn) {  // before plotting: into the layout
      Object.keys(update).forEach(function (key) {
        var m = /^shapes\[(\d+)\]\.(\w+)$/.exec(key);
        shapes[+m[1]][m[2]] = update[key];
      });
      return Promise.resolve();
    }
    return Object.keys(update).length ? Plotly.relayout(gd, update) : Promise.resolve();
  }

  block(DIV + "-figure").then(function (figure) {
    fig = figure;
    prepare();
    /* The first drawing already has the clusters, labels and band of the chart's width. */
    collectMarkers(fig.data);
    assign(regroup(true), fig.data);
    fitLabels();
    fitBand();
    return Plotly.newPlot(gd, fig.data, fig.layout, config);
  }).then(function (plot) {
    /* A zoom, a pan, a reset or a resized window: both only act when their scale changed. */
    plot.on("plotly_relayout", function () {
      fitBand(); recluster(false).then(fitLabels);
    });
    plot.on("plotly_restyle", followLegend);
    /* The legend filters as the category menu does (the chart, the chronology and the
       address together), not the chart alone: a click shows only that category, a
       second click every category again. */
    plot.on("plotly_legendclick", function (ev) {
      var group = ev && ev.data && ev.data[ev.curveNumber] && ev.data[ev.curveNumber].legendgroup;
      if (group) { category.value = category.value === group ? "" : group; apply(); }
      return false;
    });
    plot.on("plotly_legenddoubleclick", function () { return false; });
    drawn = true;
    /* Should the drawn width differ from the one estimated (a scroll bar came), again. */
    return fitBand().then(function () { return recluster(false); }).then(fitLabels)
      .then(function () { return plot; });
  }).then(function (plot) {
    plot.on("plotly_click", function (ev) {
      var point = ev && ev.points && ev.points[0];
      var info = point && point.customdata;
      /* A tap was already handled above, on the marker under the finger. */
      if (!info || !Array.isArray(info) || Date.now() - lastTap < 1000) { return; }
      choose(info, false);
    });
    return restReady;
  }).then(function () {
    readQuery();
    if (q.value || category.value || actor.value || rest) { apply(false); }
    var id = fromHash();
    return id ? mark(id, true) : null;
  }).then(function () {
    document.documentElement.setAttribute("data-eventline-ready", "1");
  });
})();

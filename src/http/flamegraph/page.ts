/**
 * The flame graph page: one HTML document with inline style and script, so it works with no
 * network beyond the profiled process itself. It fetches `data?profile=..` and draws an icicle
 * graph (root on top) with DOM nodes, so every frame is a real element (clickable, searchable).
 */
export const flameGraphPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>otelprof flame graph</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;padding:.6rem 1rem;background:#f4f4f6;border-bottom:1px solid #ddd}
header h1{font-size:15px;margin:0 1rem 0 0}
label{display:inline-flex;gap:.3rem;align-items:center}
input[type=number]{width:4rem}
#status{color:#555}
#crumbs{padding:.3rem 1rem;min-height:1.2rem;color:#444}
#crumbs a{cursor:pointer;color:#0645ad}
#graph{position:relative;margin:0 1rem 2rem;overflow:hidden}
.frame{position:absolute;height:17px;box-sizing:border-box;border:1px solid #fff;border-radius:2px;overflow:hidden;white-space:nowrap;font-size:11px;line-height:15px;padding:0 3px;cursor:pointer;color:#111}
.frame.match{outline:2px solid #d0f;z-index:1}
.frame.dim{opacity:.35}
#tip{white-space:pre;position:fixed;pointer-events:none;background:#222;color:#fff;padding:.4rem .6rem;border-radius:4px;font-size:12px;display:none;max-width:40rem;z-index:5}
</style>
</head>
<body>
<header>
<h1>otelprof</h1>
<label>Profile <select id="profile">
<option value="cpu">cpu</option><option value="heap">heap</option><option value="allocs">allocs</option>
<option value="goroutine">goroutine</option><option value="threadcreate">threadcreate</option>
<option value="block">block</option><option value="mutex">mutex</option></select></label>
<label>Custom <input id="custom" placeholder="profile name" size="14"></label>
<label>Seconds <input id="seconds" type="number" min="1" value="5"></label>
<button id="load">Load</button>
<label>Value <select id="sampleType"></select></label>
<label>Label <select id="labelFilter"><option value="">all samples</option></select></label>
<label>Search <input id="search" placeholder="function regexp" size="16"></label>
<span id="status"></span>
</header>
<div id="crumbs"></div>
<div id="graph"></div>
<div id="tip"></div>
<script>
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var data = null, root = null, zoomed = null, ROW = 18;
  var params = new URLSearchParams(location.search);
  // A name the list does not offer (a custom profile) goes to the custom field, not to an empty select.
  var wanted = params.get('profile');
  var listed = Array.from($('profile').options).some(function (o) { return o.value === wanted; });
  if (wanted && listed) $('profile').value = wanted;
  else if (wanted) $('custom').value = wanted;
  // Served at both ui and ui/: the data route is ui/data either way.
  var dataPath = location.pathname.replace(/\\/?$/, '/data');
  if (params.get('seconds')) $('seconds').value = params.get('seconds');

  function fmt(v, unit) {
    if (unit === 'nanoseconds') return v >= 1e9 ? (v / 1e9).toFixed(2) + ' s' : (v / 1e6).toFixed(1) + ' ms';
    if (unit === 'bytes') return v >= 1048576 ? (v / 1048576).toFixed(1) + ' MiB' : (v / 1024).toFixed(1) + ' KiB';
    return String(v);
  }
  function color(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return 'hsl(' + (20 + h % 40) + ',' + (70 + h % 20) + '%,' + (55 + h % 15) + '%)';
  }
  function build() {
    var idx = Number($('sampleType').value || 0), filter = $('labelFilter').value;
    root = { name: 'root', frame: -1, value: 0, children: new Map(), parent: null };
    data.samples.forEach(function (s) {
      if (filter) {
        var kv = filter.split('\\u0000');
        if (s.labels[kv[0]] !== kv[1]) return;
      }
      var v = s.values[idx];
      if (!v) return;
      var node = root;
      node.value += v;
      s.stack.forEach(function (f) {
        var child = node.children.get(f);
        if (!child) {
          var fr = data.frames[f];
          child = { name: fr.name, file: fr.file, line: fr.line, frame: f, value: 0, children: new Map(), parent: node };
          node.children.set(f, child);
        }
        child.value += v;
        node = child;
      });
    });
    zoomed = root;
    draw();
  }
  function draw() {
    var graph = $('graph'), width = graph.clientWidth || 1000, unit = data.sampleTypes[Number($('sampleType').value || 0)].unit;
    var search = $('search').value, re = null;
    try { re = search ? new RegExp(search) : null; } catch (e) { re = null; }
    graph.innerHTML = '';
    var depth = 0, total = zoomed.value || 1, frag = document.createDocumentFragment();
    var ancestors = [];
    for (var a = zoomed.parent; a; a = a.parent) ancestors.unshift(a);
    ancestors.forEach(function (n, i) { place(n, 0, width, i, true); });
    function place(node, x, w, level, dim) {
      var el = document.createElement('div');
      el.className = 'frame' + (dim ? ' dim' : '') + (re && re.test(node.name) ? ' match' : '');
      el.style.left = x + 'px'; el.style.width = w + 'px'; el.style.top = level * ROW + 'px';
      el.style.background = node === root ? '#ccc' : color(node.name);
      el.textContent = w > 30 ? node.name : '';
      el.dataset.name = node.name;
      el.addEventListener('click', function () { zoomed = node; draw(); });
      el.addEventListener('mousemove', function (ev) {
        var tip = $('tip');
        tip.style.display = 'block';
        tip.style.left = ev.clientX + 12 + 'px'; tip.style.top = ev.clientY + 12 + 'px';
        tip.textContent = node.name + (node.file ? '  ' + node.file + (node.line ? ':' + node.line : '') : '') + '\\n' +
          fmt(node.value, unit) + ' (' + (100 * node.value / (root.value || 1)).toFixed(2) + '% of all)';
      });
      el.addEventListener('mouseleave', function () { $('tip').style.display = 'none'; });
      frag.appendChild(el);
      depth = Math.max(depth, level + 1);
    }
    function walk(node, x, level) {
      var w = width * node.value / total;
      if (w < 0.5) return;
      place(node, x, w, level, false);
      var cx = x;
      Array.from(node.children.values()).sort(function (a, b) { return a.name < b.name ? -1 : 1; }).forEach(function (c) {
        walk(c, cx, level + 1);
        cx += width * c.value / total;
      });
    }
    walk(zoomed, 0, ancestors.length);
    graph.appendChild(frag);
    graph.style.height = depth * ROW + 'px';
    var crumbs = $('crumbs');
    crumbs.innerHTML = '';
    if (zoomed !== root) {
      var back = document.createElement('a');
      back.textContent = 'reset zoom';
      back.addEventListener('click', function () { zoomed = root; draw(); });
      crumbs.appendChild(back);
      crumbs.appendChild(document.createTextNode('  zoomed on ' + zoomed.name));
    }
    $('status').textContent = data.profile + ': ' + fmt(root.value, unit) + ' in ' + data.samples.length + ' samples';
  }
  function load() {
    var name = $('custom').value.trim() || $('profile').value;
    var q = dataPath + '?profile=' + encodeURIComponent(name) + (name === 'cpu' ? '&seconds=' + encodeURIComponent($('seconds').value) : '');
    $('status').textContent = name === 'cpu' ? 'profiling for ' + $('seconds').value + ' s...' : 'loading...';
    fetch(q).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { throw new Error(t); });
      return r.json();
    }).then(function (d) {
      data = d;
      var st = $('sampleType');
      st.innerHTML = '';
      d.sampleTypes.forEach(function (t, i) {
        var o = document.createElement('option');
        o.value = String(i); o.textContent = t.type + ' (' + t.unit + ')';
        st.appendChild(o);
      });
      st.value = String(d.sampleIndex);
      var lf = $('labelFilter'), seen = {};
      lf.innerHTML = '<option value="">all samples</option>';
      d.samples.forEach(function (s) {
        Object.keys(s.labels).forEach(function (k) {
          var key = k + '\\u0000' + s.labels[k];
          if (seen[key]) return;
          seen[key] = true;
          var o = document.createElement('option');
          o.value = key; o.textContent = k + '=' + s.labels[k];
          lf.appendChild(o);
        });
      });
      document.body.dataset.loaded = 'true';
      build();
    }).catch(function (e) { $('status').textContent = 'error: ' + e.message; });
  }
  $('load').addEventListener('click', load);
  $('sampleType').addEventListener('change', build);
  $('labelFilter').addEventListener('change', build);
  $('search').addEventListener('input', function () { if (data) draw(); });
  window.addEventListener('resize', function () { if (data) draw(); });
  if (params.get('autoload') !== '0') load();
})();
</script>
</body>
</html>
`;

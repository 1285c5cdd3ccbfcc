/**
 * The only script of the HTML report: sorting (click a column header) and filtering (a text box and
 * a status menu, added by the script itself) of tables marked `data-sortable`. The page is complete
 * without it; with it, nothing is fetched.
 */
export const TABLE_SCRIPT = `
(function () {
  'use strict';
  function cellValue(row, i) {
    var cell = row.cells[i];
    if (!cell) return '';
    var v = cell.getAttribute('data-sort');
    if (v !== null && v !== '' && !isNaN(Number(v))) return Number(v);
    return (v !== null ? v : cell.textContent || '').toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), function (table) {
    var body = table.tBodies[0];
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, i) {
      th.setAttribute('tabindex', '0');
      th.setAttribute('aria-sort', 'none');
      th.classList.add('sortable');
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(headers, function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i);
          if (typeof x === 'number' && typeof y !== 'number') return -1;
          if (typeof y === 'number' && typeof x !== 'number') return 1;
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
    var bar = document.createElement('div');
    bar.className = 'filters';
    var text = document.createElement('input');
    text.type = 'search';
    text.placeholder = 'filter rows (id, title, …)';
    text.setAttribute('aria-label', 'filter rows');
    var status = document.createElement('select');
    status.setAttribute('aria-label', 'status');
    ['all statuses', 'passed', 'failed', 'unsupported'].forEach(function (s) {
      var o = document.createElement('option');
      o.value = s === 'all statuses' ? '' : s;
      o.textContent = s;
      status.appendChild(o);
    });
    var count = document.createElement('span');
    count.className = 'count';
    function apply() {
      var q = text.value.toLowerCase(), s = status.value, shown = 0;
      Array.prototype.forEach.call(body.rows, function (r) {
        var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) && (!s || r.getAttribute('data-status') === s);
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + ' of ' + body.rows.length + ' rows';
    }
    text.addEventListener('input', apply);
    status.addEventListener('change', apply);
    bar.appendChild(text);
    bar.appendChild(status);
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);
    apply();
  });
})();
`;

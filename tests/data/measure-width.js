<!-- tests/mlw-report.bats: put before </body> of a copy of a report; writes the viewport width and the right edge of the widest element outside a .scroll box into <pre id="measure">, for chromium --dump-dom -->
<script>
(function () {
  var vw = document.documentElement.clientWidth, worst = 0, what = '';
  document.querySelectorAll('body *').forEach(function (e) {
    if (e.closest('.scroll') && !e.classList.contains('scroll')) return;
    var r = e.getBoundingClientRect();
    if (r.right > worst) { worst = r.right; what = e.tagName + '.' + e.className; }
  });
  var p = document.createElement('pre');
  p.id = 'measure';
  p.textContent = 'viewport=' + vw + ' widest=' + Math.ceil(worst) + ' ' + what;
  document.body.appendChild(p);
})();
</script>

// The text page's hover table: pointing at a generated token (a span with
// data-i in #output) lists the candidates genplay.wasm recorded for that
// step in window.genplay.steps. Plain DOM, so it never waits on Go.
'use strict';

(function () {
  function show(i) {
    const box = document.getElementById('candidates');
    const steps = (window.genplay || {}).steps || [];
    const step = steps[i];
    if (!step) return;
    const table = document.createElement('table');
    const cap = table.createCaption();
    cap.textContent = `token ${i + 1}: ${JSON.stringify(step.text)}`;
    for (const c of step.cands) {
      const tr = table.insertRow();
      if (c.id === step.id) tr.className = 'chosen';
      tr.insertCell().textContent = JSON.stringify(c.text);
      tr.insertCell().textContent = (100 * c.p).toFixed(1) + '%';
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = Math.max(1, Math.round(120 * c.p)) + 'px';
      tr.insertCell().appendChild(bar);
    }
    box.replaceChildren(table);
    box.dataset.step = String(i);
  }

  document.addEventListener('mouseover', (e) => {
    const t = e.target;
    if (t && t.classList && t.classList.contains('tok') && t.parentElement && t.parentElement.id === 'output') {
      show(Number(t.dataset.i));
    }
  });
})();

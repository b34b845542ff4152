// Linli worker page: small progressive enhancements; every page works without this file.
"use strict";

function tickAll(boxId, selector) {
  const all = document.getElementById(boxId);
  if (!all) return;
  all.addEventListener("change", () => {
    document.querySelectorAll(selector).forEach((box) => { box.checked = all.checked; });
  });
}

// A ready-made text copied in one tap (issue 17); falls back to selecting it for a long press.
async function copyText(button) {
  const box = document.getElementById(button.dataset.copy);
  if (!box) return;
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  let copied = false;
  try {
    await navigator.clipboard.writeText(box.value);
    copied = true;
  } catch (err) {
    box.focus();
    box.select();
    copied = document.execCommand && document.execCommand("copy");
  }
  button.textContent = copied ? button.dataset.done : button.dataset.fail;
  window.setTimeout(() => { button.textContent = label; }, 3000);
}

document.addEventListener("DOMContentLoaded", () => {
  tickAll("select-all", "input[data-order]");
  tickAll("select-all-unpaid", "input[data-unpaid]");
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.addEventListener("click", () => { copyText(button); });
  });
});

// Linli worker page: small progressive enhancements; every page but the one-time link works
// without this file.
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

// The one-time link carries its token after "#": browsers never send it to a server, so it
// is in no access log. Put it in the form, and drop it from the address bar and history.
function takeLinkToken() {
  const token = document.getElementById("link-token");
  if (!token) return;
  const value = decodeURIComponent(window.location.hash.slice(1));
  if (value) {
    token.value = value;
    window.history.replaceState(null, "", window.location.pathname);
  } else {
    document.getElementById("link-missing").hidden = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  takeLinkToken();
  tickAll("select-all", "input[data-order]");
  tickAll("select-all-unpaid", "input[data-unpaid]");
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.addEventListener("click", () => { copyText(button); });
  });
});

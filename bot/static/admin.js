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

// 扫码收款 (issue 17): the phone camera reads a code where the browser has BarcodeDetector;
// the text box (typed, or a barcode scanner's keystrokes and Enter) works without it.
function cameraScan(button) {
  const input = document.getElementById(button.dataset.scan);
  const video = document.getElementById(button.dataset.video);
  if (!input || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (err) {
      button.textContent = button.dataset.fail;
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    watchCodes(new window.BarcodeDetector(), video, (value) => {
      stream.getTracks().forEach((track) => { track.stop(); });
      video.hidden = true;
      input.value = value;
      input.form.requestSubmit();
    });
  });
}

function watchCodes(detector, video, found) {
  const look = async () => {
    try {
      const [code] = await detector.detect(video);
      if (code && code.rawValue.trim()) {
        found(code.rawValue.trim());
        return;
      }
    } catch (err) {
      // the first frames may not be ready yet: look again
    }
    window.setTimeout(look, 250);
  };
  look();
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
  document.querySelectorAll("button[data-scan]").forEach(cameraScan);
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.addEventListener("click", () => { copyText(button); });
  });
});

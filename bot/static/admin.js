// Linli worker page: small progressive enhancements; every page but the one-time link works
// without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The one-time link carries its token after "#": browsers never send it to a server, so it
  // is in no access log. Put it in the form, and drop it from the address bar and history.
  const token = document.getElementById("link-token");
  if (token) {
    const value = decodeURIComponent(window.location.hash.slice(1));
    if (value) {
      token.value = value;
      window.history.replaceState(null, "", window.location.pathname);
    } else {
      document.getElementById("link-missing").hidden = false;
    }
  }
  const all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", () => {
      document.querySelectorAll("input[data-order]").forEach((box) => { box.checked = all.checked; });
    });
  }
});

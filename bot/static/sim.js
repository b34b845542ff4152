// Linli simulator page: send through /sim/api/send, poll /sim/api/messages, draw bubbles.
// Resident text is only ever put into the page with textContent, never innerHTML.
(function () {
  "use strict";

  var POLL_MS = 1500;
  var root = document.getElementById("sim");
  var T = JSON.parse(document.getElementById("sim-texts").textContent);
  var el = {
    chat: document.getElementById("chat"),
    speaker: document.getElementById("speaker"),
    title: document.getElementById("chat-title"),
    list: document.getElementById("messages"),
    empty: document.getElementById("empty-hint"),
    form: document.getElementById("composer"),
    text: document.getElementById("text"),
    send: document.getElementById("send"),
    status: document.getElementById("send-error"),
    image: document.getElementById("image"),
  };
  var state = { cursor: 0, generation: 0, busy: false, statusTimer: null };

  function current() {
    var dm = el.chat.value === "__dm__";
    return { id: dm ? el.speaker.value : el.chat.value, group: !dm };
  }

  function speakerName() {
    var opt = el.speaker.options[el.speaker.selectedIndex];
    return opt ? opt.getAttribute("data-name") || opt.value : "";
  }

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }

  // One chat bubble. side: "me" | "them"; item: {key, at, name, time, text, variant, label}.
  function bubble(side, item) {
    var row = node("div", "msg " + side + (item.variant ? " " + item.variant : ""));
    row.setAttribute("data-key", item.key);
    row.setAttribute("data-at", item.at || "");
    row.setAttribute("data-state", item.state || "");
    var avatar = node("div", "avatar", (item.name || "?").replace(/^社区/, "").charAt(0));
    avatar.style.backgroundColor = colour(item.name || "");
    var body = node("div", "body");
    var meta = node("div", "meta");
    meta.appendChild(node("span", "name", item.name));
    meta.appendChild(node("span", "time", item.time));
    if (item.label) meta.appendChild(node("span", "label", item.label));
    body.appendChild(meta);
    body.appendChild(node("div", "bubble", item.text));
    row.appendChild(avatar);
    row.appendChild(body);
    return row;
  }

  function colour(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
    return "hsl(" + h + ", 45%, 55%)";
  }

  // Insert (or replace) a row keeping the list ordered by time.
  function upsert(row) {
    var key = row.getAttribute("data-key");
    var old = el.list.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (old) {
      if (old.getAttribute("data-state") === row.getAttribute("data-state")) return false;
      old.remove();
    }
    var at = row.getAttribute("data-at");
    var rows = el.list.querySelectorAll(".msg");
    var before = null;
    for (var i = rows.length - 1; i >= 0; i--) {
      if ((rows[i].getAttribute("data-at") || "") <= at) break;
      before = rows[i];
    }
    el.list.insertBefore(row, before);
    el.empty.hidden = true;
    return true;
  }

  function sameInstant(iso) {
    return iso ? new Date(iso).toISOString() : "";
  }

  function renderMessage(m) {
    var mine = m.sender_id === el.speaker.value;
    var changed = upsert(bubble(mine ? "me" : "them", {
      key: "m" + m.id, at: sameInstant(m.at), name: m.sender_name, time: m.time, text: m.text,
    }));
    if (m.reply) {
      changed = upsert(bubble("them", {
        key: "r" + m.id, at: sameInstant(m.reply_at || m.at), name: T.bot_name,
        time: m.reply_time, text: m.reply, variant: "bot",
      })) || changed;
    }
    return changed;
  }

  // Outbox statuses (models/outbox.py): sent shows as a normal notice, the rest greyed.
  function renderNotice(n) {
    var sent = n.status === "sent";
    return upsert(bubble("them", {
      key: "n" + n.id, at: sameInstant(n.at), name: T.bot_name, time: n.time, text: n.text,
      state: n.status, variant: "bot notice" + (sent ? "" : " queued"),
      label: sent ? (current().group ? T.notice : T.notice_dm)
        : (T.status[n.status] || T.status.pending),
    }));
  }

  function nearBottom() {
    return el.list.scrollHeight - el.list.scrollTop - el.list.clientHeight < 80;
  }

  function poll(forceScroll) {
    var gen = state.generation;
    var chat = current();
    var url = root.getAttribute("data-messages-url") + "?chat=" +
      encodeURIComponent(chat.id) + "&after=" + state.cursor;
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || gen !== state.generation) return;
        var stick = forceScroll || nearBottom();
        var changed = false;
        data.messages.forEach(function (m) { changed = renderMessage(m) || changed; });
        data.notices.forEach(function (n) { changed = renderNotice(n) || changed; });
        state.cursor = data.cursor;
        if (changed && stick) el.list.scrollTop = el.list.scrollHeight;
      })
      .catch(function () { /* the next poll retries */ });
  }

  function reset() {
    state.generation += 1;
    state.cursor = 0;
    el.list.querySelectorAll(".msg").forEach(function (n) { n.remove(); });
    el.empty.hidden = false;
    var chat = current();
    var opt = el.chat.options[el.chat.selectedIndex];
    el.title.textContent = chat.group ? opt.getAttribute("data-title") : T.dm_title;
    var params = new URLSearchParams({ chat: el.chat.value, as: el.speaker.value });
    history.replaceState(null, "", location.pathname + "?" + params.toString());
    poll(true);
  }

  function showStatus(text, isError) {
    clearTimeout(state.statusTimer);
    el.status.textContent = text;
    el.status.className = "send-error" + (isError ? "" : " info");
    el.status.hidden = false;
    if (!isError) state.statusTimer = setTimeout(function () { el.status.hidden = true; }, 4000);
  }

  function send() {
    var text = el.text.value;
    if (!text.trim() || state.busy) return;
    var chat = current();
    state.busy = true;
    el.send.disabled = true;
    el.send.textContent = T.sending;
    el.status.hidden = true;
    fetch(root.getAttribute("data-send-url"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        chat: chat.id, sender: el.speaker.value, sender_name: speakerName(), text: text,
      }),
    })
      .then(function (r) {
        return r.json().catch(function () { return { ok: false }; }).then(function (data) {
          if (!r.ok || !data.ok) { showStatus(data.error || T.send_failed, true); return; }
          el.text.value = "";
          grow();
          if (!data.reply && chat.group) showStatus(T.no_reply, false);
          return poll(true);
        });
      })
      .catch(function () { showStatus(T.network, true); })
      .then(function () {
        state.busy = false;
        el.send.disabled = false;
        el.send.textContent = T.send;
      });
  }

  // A picture of a 接龙 (screenshot or paper list): multipart upload, then the usual poll.
  function sendImage() {
    var file = el.image.files && el.image.files[0];
    if (!file || state.busy) return;
    var chat = current();
    var form = new FormData();
    form.append("chat", chat.id);
    form.append("sender", el.speaker.value);
    form.append("sender_name", speakerName());
    form.append("image", file);
    state.busy = true;
    el.status.hidden = true;
    fetch(root.getAttribute("data-image-url"), {
      method: "POST", headers: { Accept: "application/json" }, body: form,
    })
      .then(function (r) {
        return r.json().catch(function () { return { ok: false }; }).then(function (data) {
          if (!r.ok || !data.ok) { showStatus(data.error || T.send_failed, true); return; }
          showStatus(T.image_sent, false);
          return poll(true);
        });
      })
      .catch(function () { showStatus(T.network, true); })
      .then(function () { state.busy = false; el.image.value = ""; });
  }

  function grow() {
    if (!el.text.value) { el.text.style.height = ""; return; }
    el.text.style.height = "auto";
    el.text.style.height = Math.min(el.text.scrollHeight, window.innerHeight * 0.4) + "px";
  }

  el.form.addEventListener("submit", function (e) { e.preventDefault(); send(); });
  el.text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
  });
  el.text.addEventListener("input", grow);
  el.image.addEventListener("change", sendImage);
  el.chat.addEventListener("change", reset);
  el.speaker.addEventListener("change", reset);
  document.querySelectorAll(".chip").forEach(function (chip) {
    chip.addEventListener("click", function () {
      el.text.value = chip.getAttribute("data-sample");
      grow();
      el.text.focus();
    });
  });
  setInterval(function () { if (!document.hidden) poll(false); }, POLL_MS);
  reset();
})();

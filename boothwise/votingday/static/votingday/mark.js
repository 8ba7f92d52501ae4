/* The marking page: serials, EPIC numbers or names in, marks into the outbox, names out.
 *
 * The page carries the booth's roll (serial, name, EPIC) in #vd-config, so each mark
 * shows its elector's name at once, online or not. Marks wait in IndexedDB
 * (static/js/outbox.js, shared with the walk list) and go up in batches whenever the network allows.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("vd-config").textContent);
  const S = config.strings;
  const bySerial = new Map(config.roll.map((v) => [v.s, v]));
  const byEpic = new Map(config.roll.filter((v) => v.epic).map((v) => [v.epic.toUpperCase(), v]));
  const form = document.getElementById("vd-form");
  const input = form.querySelector("input[name=text]");
  const source = form.querySelector("select[name=source]");
  const message = document.getElementById("vd-message");
  const recent = document.getElementById("vd-recent");
  const candidates = document.getElementById("vd-candidates");
  const sync = document.getElementById("vd-sync");
  const syncText = document.getElementById("vd-sync-text");
  const syncBtn = document.getElementById("vd-sync-btn");
  const SERIALS = /^\s*\d+(\s*-\s*\d+)?([\s,]+\d+(\s*-\s*\d+)?)*[\s,]*$/;
  const EPIC = /^[A-Z]{2,4}\d{4,}$|^[A-Z]{2}\/\d+\/\d+\/\d+$/;
  const MAX_RANGE = 200;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, k) => String(values[k]));
  }

  function device() {
    let id = localStorage.getItem("bw-device");
    if (!id) {
      id = BoothwiseOutbox.uuid4();
      localStorage.setItem("bw-device", id);
    }
    return id;
  }

  const csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const box = BoothwiseOutbox.open({
    url: config.syncUrl,
    user: config.user,
    batch: 100,
    csrf,
    db: "boothwise-votingday-outbox",
  });

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function show(voter, note) {
    const li = document.createElement("li");
    li.className = "vd-ok";
    const b = document.createElement("b");
    b.textContent = String(voter.s);
    li.append(b, " " + voter.n + (note ? " · " + note : ""));
    recent.prepend(li);
    while (recent.children.length > 40) recent.lastChild.remove();
  }

  async function markAll(voters) {
    const now = new Date().toISOString();
    for (const voter of voters) {
      await box.add({
        client_uuid: BoothwiseOutbox.uuid4(),
        part_id: config.part,
        serial_no: voter.s,
        source: source.value,
        entered_at: now,
        device: device(),
      });
      show(voter);
    }
    trySync();
  }

  function parseSerials(text) {
    const serials = [];
    for (const token of text.match(/\d+\s*-\s*\d+|\d+/g) || []) {
      let low = Number(token);
      let high = low;
      if (token.includes("-")) {
        [low, high] = token.split("-").map((x) => Number(x.trim()));
        if (high < low || high - low >= MAX_RANGE) {
          throw new Error(fmt(S.badRange, { range: token.replace(/\s/g, "") }));
        }
      }
      for (let n = low; n <= high; n++) if (!serials.includes(n)) serials.push(n);
    }
    return serials;
  }

  function offerCandidates(voters) {
    candidates.replaceChildren();
    if (!voters.length) {
      candidates.hidden = true;
      return;
    }
    const head = document.createElement("li");
    head.textContent = S.pick;
    candidates.append(head);
    for (const voter of voters) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "linkbutton";
      button.textContent = voter.s + " · " + voter.n + (voter.e ? " (" + voter.e + ")" : "");
      button.addEventListener("click", () => {
        candidates.hidden = true;
        markAll([voter]);
        input.focus();
      });
      li.append(button);
      candidates.append(li);
    }
    candidates.hidden = false;
  }

  async function findByName(text) {
    if (navigator.onLine) {
      try {
        const response = await fetch(config.findUrl + "?q=" + encodeURIComponent(text), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (response.ok) {
          const hits = await response.json();
          return hits.map((h) => bySerial.get(h.serial_no)).filter(Boolean);
        }
      } catch (error) {
        /* offline after all: fall through to the roll on the page */
      }
    }
    const q = text.toLowerCase();
    return config.roll.filter((v) => v.n.toLowerCase().includes(q) || v.e.toLowerCase().includes(q)).slice(0, 8);
  }

  async function enter(text) {
    say("");
    candidates.hidden = true;
    text = text.trim();
    if (!text) return;
    if (SERIALS.test(text)) {
      const serials = parseSerials(text);
      const missing = serials.filter((n) => !bySerial.has(n));
      await markAll(serials.filter((n) => bySerial.has(n)).map((n) => bySerial.get(n)));
      if (missing.length) say(fmt(S.notOnRoll, { n: missing.join(", ") }));
      return;
    }
    const upper = text.toUpperCase().replace(/\s/g, "");
    if (EPIC.test(upper)) {
      const voter = byEpic.get(upper);
      if (voter) await markAll([voter]);
      else say(fmt(S.epicNotFound, { epic: upper }));
      return;
    }
    const found = await findByName(text);
    if (!found.length) say(S.noName);
    else if (found.length === 1) await markAll(found);
    else offerCandidates(found);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    input.focus();
    enter(text).catch((error) => say(error.message));
  });

  async function refresh() {
    const counts = await box.counts();
    sync.dataset.pending = String(counts.pending);
    sync.dataset.rejected = String(counts.rejected);
    let text = counts.pending ? fmt(S.waiting, { n: counts.pending }) : S.allSent;
    if (!navigator.onLine) text += " · " + S.offline;
    if (counts.rejected) text += " · " + S.rejected + ": " + counts.rejected;
    syncText.textContent = text;
    syncBtn.hidden = !counts.pending;
    if (counts.rejected) {
      for (const item of (await box.items()).filter((i) => i.status === "rejected")) {
        if (!recent.querySelector(`[data-uuid="${item.client_uuid}"]`)) {
          const li = document.createElement("li");
          li.className = "vd-bad";
          li.dataset.uuid = item.client_uuid;
          li.textContent = item.payload.serial_no + " · " + item.error;
          recent.prepend(li);
        }
      }
    }
  }

  function trySync() {
    if (!navigator.onLine) return refresh();
    return box.sync().catch(() => {}).then(refresh);
  }

  box.onchange = () => refresh();
  syncBtn.addEventListener("click", () => trySync());
  window.addEventListener("online", () => trySync());
  window.addEventListener("offline", () => refresh());
  setInterval(trySync, 15000);
  trySync();

  async function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    try {
      await navigator.serviceWorker.register(config.swUrl, { scope: config.swScope });
      await navigator.serviceWorker.ready;
      // Fetched afresh (offline this fails, and the saved copy stays).
      const cache = await caches.open(config.pageCache);
      await cache.add(location.pathname);
    } catch (_e) {
      /* no service worker (plain http on a LAN address): online use still works */
    }
  }
  keepForOffline();
})();

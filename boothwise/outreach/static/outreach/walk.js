/* boothwise walk list: one household at a time, recorded on the phone, synced later.
 *
 * The page (outreach/walk.html) carries its configuration in #ow-config. The walk list
 * comes from the JSON API; the service worker (outreach/sw.js) keeps the page, this
 * script and the last walk list, so all of it opens with no network. Each visit goes
 * to the outbox (outbox.js) first and is sent from there: at once when online, again
 * when the network returns, and on the "Sync now" button.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("ow-config").textContent);
  const S = config.strings;
  const root = document.getElementById("ow-walk");
  const $ = (id) => document.getElementById(id);
  const stateKey = `bw-walk-${config.campaign}-${config.part}`;
  const recordedKey = `${stateKey}-recorded`;

  let doors = [];
  let index = 0;
  let filter = "";
  let retryDelay = 5000;
  let retryTimer = null;

  function t(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_m, name) => String(values[name]));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const outcomeLabel = (code) =>
    (config.outcomes.find((o) => o.code === code) || { label: code }).label;
  const question = (kind) => config.questions.find((q) => q.kind === kind);

  function csrfFromPage() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  const outbox = BoothwiseOutbox.open({
    url: config.syncUrl,
    user: config.user,
    csrf: csrfFromPage(),
  });

  function deviceId() {
    let id = localStorage.getItem("bw-device");
    if (!id) {
      id = BoothwiseOutbox.uuid4();
      localStorage.setItem("bw-device", id);
    }
    return id;
  }

  function recorded() {
    try {
      return JSON.parse(localStorage.getItem(recordedKey) || "{}");
    } catch (_e) {
      return {};
    }
  }

  // -- Sync status --------------------------------------------------------------------

  async function showCounts(message) {
    const { pending, rejected } = await outbox.counts();
    const text = $("ow-sync-text");
    const box = $("ow-sync");
    box.dataset.pending = String(pending);
    if (message) text.textContent = message;
    else if (pending) text.textContent = t(S.waiting, { n: pending });
    else text.textContent = S.all_synced;
    box.classList.toggle("ow-sync-waiting", pending > 0);
    $("ow-rejected").textContent = rejected ? t(S.rejected, { n: rejected }) : "";
    $("ow-rejected").hidden = !rejected;
  }

  async function sync() {
    clearTimeout(retryTimer);
    const { pending } = await outbox.counts();
    if (!pending) return showCounts();
    $("ow-sync-btn").disabled = true;
    await showCounts(S.syncing);
    try {
      await outbox.sync();
      retryDelay = 5000;
      await showCounts();
      if (navigator.onLine) load(false);
    } catch (error) {
      if (error instanceof BoothwiseOutbox.AuthError) {
        await showCounts(S.login_again);
      } else {
        await showCounts(S.sync_failed);
        retryTimer = setTimeout(sync, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 300000);
      }
    } finally {
      $("ow-sync-btn").disabled = false;
    }
  }

  // -- Loading ------------------------------------------------------------------------

  async function fetchWalkList() {
    try {
      const response = await fetch(config.walkUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        return { data: await response.json(), cached: response.headers.has("X-Boothwise-Cached") };
      }
    } catch (_e) {
      /* offline and not (yet) under the service worker: try the cache directly */
    }
    if (window.caches) {
      const cached = await caches.match(config.walkUrl, { ignoreVary: true });
      if (cached) return { data: await cached.json(), cached: true };
    }
    return null;
  }

  async function load(first) {
    const result = await fetchWalkList();
    if (!result) {
      if (first) $("ow-door").replaceChildren(el("p", { class: "card empty" }, S.no_copy));
      return;
    }
    $("ow-offline").hidden = !result.cached;
    doors = result.data.doors;
    if (first) {
      const saved = Number(localStorage.getItem(stateKey) || 0);
      index = Math.min(saved, Math.max(doors.length - 1, 0));
    }
    render();
  }

  // -- Rendering ----------------------------------------------------------------------

  function visibleDoors() {
    if (!filter) return null;
    const q = filter.toLowerCase();
    return doors
      .map((door, i) => [door, i])
      .filter(([door]) =>
        String(door.serial_no) === q ||
        door.code.toLowerCase() === q ||
        (door.house_no || "").toLowerCase().includes(q) ||
        door.electors.some(
          (e) =>
            String(e.serial_no) === q ||
            e.name.toLowerCase().includes(q) ||
            (e.name_en || "").toLowerCase().includes(q),
        ),
      );
  }

  function render() {
    const matches = visibleDoors();
    const list = $("ow-results");
    list.replaceChildren();
    list.hidden = !matches;
    if (matches) {
      if (!matches.length) list.append(el("li", { class: "muted" }, S.no_match));
      for (const [door, i] of matches.slice(0, 30)) {
        list.append(
          el("li", {},
            el("button", {
              type: "button",
              class: "ow-result",
              onclick: () => { index = i; filter = ""; $("ow-q").value = ""; render(); },
            },
            el("strong", {}, door.code), " ",
            t(S.house_no, { no: door.house_no || "–" }), " · ",
            door.electors.map((e) => e.name).join(", ")),
          ),
        );
      }
    }
    if (!doors.length) {
      $("ow-door").replaceChildren(el("p", { class: "card empty" }, S.empty));
      $("ow-position").textContent = "";
      return;
    }
    localStorage.setItem(stateKey, String(index));
    $("ow-position").textContent = t(S.of, { i: index + 1, n: doors.length });
    $("ow-door").replaceChildren(renderDoor(doors[index]));
  }

  function choiceButtons(name, options, onPick, selected) {
    return el("div", { class: "ow-choices", role: "group" },
      options.map(([value, label]) =>
        el("button", {
          type: "button",
          class: "ow-choice",
          "data-name": name,
          "data-value": String(value),
          "aria-pressed": String(selected === value),
          onclick: (event) => {
            const button = event.currentTarget;
            const on = button.getAttribute("aria-pressed") !== "true";
            button.parentNode.querySelectorAll(".ow-choice").forEach((b) =>
              b.setAttribute("aria-pressed", "false"));
            button.setAttribute("aria-pressed", String(on));
            onPick(on ? value : null);
          },
        }, label),
      ),
    );
  }

  function renderDoor(door) {
    const answers = { electors: {}, issues: new Set(), newVoters: 0 };
    let outcome = null;
    const done = recorded()[door.serial_no];
    const form = el("form", { class: "ow-doorform", onsubmit: (e) => e.preventDefault() });
    const head = el("div", { class: "ow-doorhead" },
      el("h2", {}, t(S.household, { code: door.code })),
      el("span", { class: "ow-house" }, t(S.house_no, { no: door.house_no || "–" })),
      door.visits ? el("span", { class: "badge" }, t(S.visits_n, { n: door.visits })) : null,
      door.last_outcome
        ? el("span", { class: "badge" }, t(S.last, { outcome: outcomeLabel(door.last_outcome) }))
        : null,
      done ? el("span", { class: "badge ok" }, t(S.visited_here, { outcome: outcomeLabel(done) })) : null,
    );
    form.append(head);
    form.append(
      el("fieldset", { class: "ow-outcomes" },
        el("legend", {}, S.outcome_needed),
        choiceButtons("outcome", config.outcomes.map((o) => [o.code, o.label]), (v) => { outcome = v; }),
      ),
    );
    const support = question("support");
    const comeBack = question("come_back");
    const correction = question("roll_correction");
    for (const elector of door.electors) {
      const mine = (answers.electors[elector.serial_no] = {});
      const latest = elector.latest || {};
      form.append(
        el("div", { class: "ow-elector" },
          el("div", { class: "ow-elector-name" },
            el("span", { class: "ow-serial" }, elector.serial_no),
            el("strong", {}, elector.name),
            el("span", { class: "muted" },
              [elector.age ? t(S.age, { n: elector.age }) : "", elector.gender, elector.relative_name]
                .filter(Boolean).join(" · ")),
            latest.support ? el("span", { class: `badge ow-s${latest.support}` }, `${S.support} ${latest.support}`) : null,
          ),
          support
            ? el("div", { class: "ow-q" },
                el("span", { class: "ow-qlabel" }, support.text),
                choiceButtons(`support-${elector.serial_no}`,
                  [1, 2, 3, 4, 5].map((n) => [n, String(n)]),
                  (v) => { mine.support = v; }),
              )
            : null,
          el("div", { class: "ow-q ow-inline" },
            comeBack
              ? el("label", { class: "ow-check" },
                  el("input", { type: "checkbox", onchange: (e) => { mine.come_back = e.target.checked || null; } }),
                  " ", comeBack.text)
              : null,
            correction
              ? el("label", { class: "ow-check" }, correction.text, " ",
                  el("select", { onchange: (e) => { mine.roll_correction = e.target.value || null; } },
                    el("option", { value: "" }, S.none),
                    ["absent", "shifted", "dead"].map((c) => el("option", { value: c }, S[c]))))
              : null,
          ),
        ),
      );
    }
    const issues = question("issues");
    if (issues) {
      form.append(
        el("fieldset", { class: "ow-issues" },
          el("legend", {}, issues.text),
          el("div", { class: "ow-choices ow-wrap" },
            issues.choices.map((c) =>
              el("button", {
                type: "button",
                class: "ow-chip",
                "aria-pressed": "false",
                onclick: (e) => {
                  const on = e.currentTarget.getAttribute("aria-pressed") !== "true";
                  e.currentTarget.setAttribute("aria-pressed", String(on));
                  if (on) answers.issues.add(c.code);
                  else answers.issues.delete(c.code);
                },
              }, c.label),
            ),
          ),
        ),
      );
    }
    if (question("new_voter")) {
      form.append(
        el("label", { class: "ow-field" }, question("new_voter").text,
          el("input", { type: "number", min: "0", max: "20", value: "0", inputmode: "numeric",
            onchange: (e) => { answers.newVoters = Number(e.target.value) || 0; } })),
      );
    }
    const notes = el("textarea", { rows: "2", maxlength: "1000" });
    const grievance = el("textarea", { rows: "2", maxlength: "1000" });
    const grievanceIssue = el("select", {},
      el("option", { value: "" }, "–"),
      (issues ? issues.choices : []).map((c) => el("option", { value: c.code }, c.label)));
    const locate = el("input", { type: "checkbox", checked: localStorage.getItem("bw-locate") === "1" });
    form.append(
      el("label", { class: "ow-field" }, S.notes, notes),
      el("label", { class: "ow-field" }, S.grievance, grievance),
      el("label", { class: "ow-field" }, S.grievance_issue, grievanceIssue),
      el("label", { class: "ow-check" }, locate, " ", S.share_location),
    );
    const message = el("p", { class: "ow-message", role: "alert" });
    const save = el("button", { type: "submit", class: "primary ow-save", disabled: !config.running }, S.save);
    save.addEventListener("click", async () => {
      if (!outcome) {
        message.textContent = S.outcome_needed;
        return;
      }
      save.disabled = true;
      localStorage.setItem("bw-locate", locate.checked ? "1" : "0");
      const payload = await visitPayload(door, outcome, answers, {
        notes: notes.value,
        grievance: grievance.value,
        grievanceIssue: grievanceIssue.value,
        locate: locate.checked,
      });
      await outbox.add(payload);
      const marks = recorded();
      marks[door.serial_no] = outcome;
      localStorage.setItem(recordedKey, JSON.stringify(marks));
      message.textContent = S.saved;
      await showCounts();
      if (navigator.onLine) sync();
      step(1);
    });
    form.append(message, save);
    return form;
  }

  function position() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(
        (p) => resolve(p.coords),
        () => resolve(null),
        { timeout: 5000, maximumAge: 60000 },
      );
    });
  }

  async function visitPayload(door, outcome, answers, extra) {
    const list = [];
    for (const [serial, given] of Object.entries(answers.electors)) {
      for (const [kind, value] of Object.entries(given)) {
        if (value !== null && value !== undefined) {
          list.push({ serial_no: Number(serial), kind, value });
        }
      }
    }
    if (answers.issues.size) {
      list.push({ serial_no: door.serial_no, kind: "issues", value: Array.from(answers.issues) });
    }
    if (answers.newVoters) {
      list.push({ serial_no: door.serial_no, kind: "new_voter", value: answers.newVoters });
    }
    const coords = extra.locate ? await position() : null;
    return {
      client_uuid: BoothwiseOutbox.uuid4(),
      campaign_id: config.campaign,
      part_id: config.part,
      serial_no: door.serial_no,
      outcome,
      at: new Date().toISOString(),
      survey_version_id: config.version,
      answers: list,
      notes: extra.notes,
      grievance: extra.grievance,
      grievance_issue: extra.grievance ? extra.grievanceIssue : "",
      latitude: coords ? coords.latitude : null,
      longitude: coords ? coords.longitude : null,
      device: deviceId(),
    };
  }

  function step(delta) {
    if (!doors.length) return;
    index = (index + delta + doors.length) % doors.length;
    render();
    window.scrollTo({ top: root.offsetTop, behavior: "smooth" });
  }

  function nextUnvisited() {
    const marks = recorded();
    for (let k = 1; k <= doors.length; k += 1) {
      const i = (index + k) % doors.length;
      if (!doors[i].visits && !marks[doors[i].serial_no]) {
        index = i;
        return render();
      }
    }
  }

  async function showRejected() {
    const items = (await outbox.items()).filter((i) => i.status === "rejected");
    const list = $("ow-rejected-list");
    list.replaceChildren(
      ...items.map((i) =>
        el("li", {}, `${i.payload.serial_no}: ${outcomeLabel(i.payload.outcome)} — ${i.error}`)),
    );
    list.hidden = !items.length;
  }

  // -- Start --------------------------------------------------------------------------

  async function cacheForOffline() {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register(config.swUrl, { scope: config.swScope });
      await navigator.serviceWorker.ready;
      const cache = await caches.open(config.pageCache);
      await cache.addAll([location.pathname + location.search, config.walkUrl]);
    } catch (_e) {
      /* no service worker (plain http on a LAN address): online use still works */
    }
  }

  $("ow-prev").addEventListener("click", () => step(-1));
  $("ow-next").addEventListener("click", () => step(1));
  $("ow-next-unvisited").addEventListener("click", nextUnvisited);
  $("ow-sync-btn").addEventListener("click", sync);
  $("ow-rejected").addEventListener("click", showRejected);
  $("ow-q").addEventListener("input", (e) => { filter = e.target.value.trim(); render(); });
  window.addEventListener("online", sync);
  window.addEventListener("offline", () => showCounts());
  outbox.onchange = () => showCounts();
  root.classList.add("ow-ready");

  showCounts();
  load(true).then(() => {
    sync();
    cacheForOffline();
  });
  setInterval(() => { if (navigator.onLine) sync(); }, 60000);
})();

/* boothwise outbox: field records waiting to reach the server. No dependencies.
 *
 * Shared by the walk list (outreach) and the marking page (votingday), each with its own
 * IndexedDB database (option `db`, default "boothwise-outbox"; store "items"). Each
 * record is kept there under
 * its client-generated UUID until the server has accepted it, so closing the browser
 * or restarting the phone loses nothing, and a record sent twice is stored once (the
 * server answers a known UUID as it did the first time). Records belong to the user
 * who made them; only that user's session sends them.
 *
 *   const box = BoothwiseOutbox.open({url, user, batch: 50, db: "boothwise-outbox"});
 *   await box.add(payload);            // payload.client_uuid is the key
 *   await box.counts();                // {pending, rejected}
 *   await box.sync();                  // {sent, rejected} or throws on network/auth
 *   box.onchange = () => ...;          // after every add and sync
 */
(function () {
  "use strict";

  const STORE = "items";

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function openDb(name) {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: "client_uuid" });
        store.createIndex("user", "user");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Plain-http pages have no randomUUID; getRandomValues works everywhere.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function cookie(name) {
    const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }

  class AuthError extends Error {}

  class Outbox {
    constructor({ url, user, batch = 50, csrf = "", db = "boothwise-outbox" }) {
      this.url = url;
      this.user = String(user);
      this.batch = batch;
      this.csrf = csrf;
      this.db = openDb(db);
      this.onchange = null;
      this.busy = null;
    }

    async _tx(mode) {
      const db = await this.db;
      return db.transaction(STORE, mode).objectStore(STORE);
    }

    async _mine() {
      const store = await this._tx("readonly");
      return request(store.index("user").getAll(this.user));
    }

    _changed() {
      if (this.onchange) this.onchange();
    }

    async add(payload) {
      const item = {
        client_uuid: payload.client_uuid,
        user: this.user,
        payload,
        status: "pending",
        error: "",
        created: Date.now(),
      };
      const store = await this._tx("readwrite");
      await request(store.put(item));
      this._changed();
      return item;
    }

    async items() {
      const all = await this._mine();
      return all.sort((a, b) => a.created - b.created);
    }

    async counts() {
      const all = await this._mine();
      return {
        pending: all.filter((i) => i.status === "pending").length,
        rejected: all.filter((i) => i.status === "rejected").length,
      };
    }

    /* Send pending records in batches. Accepted ones leave the outbox; refused ones
     * stay, marked, with the server's reason. One sync runs at a time. */
    sync() {
      if (!this.busy) {
        this.busy = this._sync().finally(() => {
          this.busy = null;
          this._changed();
        });
      }
      return this.busy;
    }

    async _sync() {
      let sent = 0;
      let rejected = 0;
      for (;;) {
        const pending = (await this.items()).filter((i) => i.status === "pending");
        if (!pending.length) break;
        const chunk = pending.slice(0, this.batch);
        const response = await fetch(this.url, {
          method: "POST",
          credentials: "same-origin",
          cache: "no-store",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": cookie("csrftoken") || this.csrf,
          },
          body: JSON.stringify({ items: chunk.map((i) => i.payload) }),
        });
        if (response.status === 401 || response.status === 403) {
          throw new AuthError(String(response.status));
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        const body = await response.json();
        const store = await this._tx("readwrite");
        const before = sent + rejected;
        for (const result of body.results) {
          if (result.status === "accepted") {
            store.delete(result.client_uuid);
            sent += 1;
          } else {
            const item = chunk.find((i) => i.client_uuid === result.client_uuid);
            if (item) {
              item.status = "rejected";
              item.error = result.error;
              store.put(item);
              rejected += 1;
            }
          }
        }
        await new Promise((resolve, reject) => {
          store.transaction.oncomplete = resolve;
          store.transaction.onerror = () => reject(store.transaction.error);
        });
        if (sent + rejected === before) throw new Error("no result for the batch");
      }
      return { sent, rejected };
    }
  }

  window.BoothwiseOutbox = {
    open: (options) => new Outbox(options),
    uuid4,
    AuthError,
  };
})();

// Live updates for pages whose <main> names a live topic (the thread and proposal pages; see _Layout.cshtml).
// Subscribes over SignalR (hub /hubs/live, bundle served from /lib) and applies each committed event in place: a new
// contribution appears where it belongs, a vote updates its roll-call row and the count, a phase change redraws the
// proposal. After a reconnect it asks for what it missed (CatchUp from the last sequence number applied), so nothing is
// lost; the page also embeds the sequence it was rendered at, so nothing between rendering and subscribing is lost.
// Without script the page works as before: a reload shows everything.
//
// Safety: the only HTML taken from the server as markup is a contribution's body, which the server stored sanitized;
// everything around it is built with DOM calls and textContent. A redrawn proposal section comes from a fresh GET of
// this very page, the same markup a reload would show.
(() => {
  "use strict";
  const root = document.querySelector("main[data-live-topic]");
  if (!root || !window.signalR) return;

  const topic = root.dataset.liveTopic;
  const kind = topic.slice(0, topic.indexOf(":"));
  const viewer = (root.dataset.liveViewer || "").toLowerCase();
  const slug = (location.pathname.match(/^\/o\/([^/]+)\//) || [])[1] || "";
  const maxDepth = 4; // ContributionTree.MaxDepth
  let lastSeq = Number(root.dataset.lastSeq) || 0;
  let tallySeq = 0;
  const voterSeq = new Map();

  // ---- small helpers -----------------------------------------------------------------------------------------------

  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n) => String(n).padStart(2, "0");
  const when = (iso) => {
    const d = new Date(iso);
    return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
  };
  const short = (iso) => {
    const d = new Date(iso);
    return `${d.getUTCDate()}\u00A0${months[d.getUTCMonth()]}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  };
  const isoSeconds = (iso) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z");
  const count = (n, one, many) => (n === 1 ? `1 ${one}` : `${n.toLocaleString("en-US")} ${many}`);
  const percent = (part, whole) => (whole <= 0 ? 0 : Math.round((100 * part) / whole));
  const width = (part, whole) => `${whole <= 0 ? 0 : Number(((100 * part) / whole).toFixed(2))}%`;
  const same = (a, b) => (a || "").toLowerCase() === (b || "").toLowerCase();
  const choiceWord = { for: "For", against: "Against", abstain: "Abstain" };
  const changesText = (n) => (n === 0 ? "" : n === 1 ? "changed once" : `changed ${n} times`);

  /** An element with a class, attributes and children (strings become text nodes, never markup). */
  function el(tag, className, attributes, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  function highlight(node) {
    if (!node) return;
    node.classList.remove("live-new");
    void node.offsetWidth; // restart the animation when the same element changes twice
    node.classList.add("live-new");
    setTimeout(() => node.classList.remove("live-new"), 3200);
  }

  // ---- announcements: one polite live region, coalesced so a burst is one sentence, not a hundred ------------------

  // No role=status: the page's own status messages keep that role to themselves.
  const announcer = el("div", "visually-hidden", { id: "live-announcer", "aria-live": "polite", "aria-atomic": "true" });
  document.body.append(announcer);
  const waiting = [];
  let announceTimer = null;
  function announce(text) {
    waiting.push(text);
    if (announceTimer) return;
    announceTimer = setTimeout(() => {
      announceTimer = null;
      const said = waiting.length <= 2 ? waiting.join(". ") : `${waiting.length} updates. Latest: ${waiting[waiting.length - 1]}`;
      waiting.length = 0;
      announcer.textContent = said;
    }, 1200);
  }

  // ---- connection status: a quiet line under the page's heading -----------------------------------------------------

  const status = el("p", "live-status");
  function placeStatus() {
    const header = root.querySelector(":scope > article > header");
    (header || root.firstElementChild)?.after(status);
  }
  placeStatus();
  function setStatus(state, text) {
    status.className = `live-status live-status--${state}`;
    status.textContent = text;
  }
  setStatus("connecting", "Connecting for live updates…");

  // ---- the proposal page --------------------------------------------------------------------------------------------

  function rollCall() {
    return document.getElementById("roll-call");
  }

  function voteCell(row) {
    const cell = el("td", "roll-call__vote");
    cell.append(row.choice
      ? el("span", `choice choice--${row.choice}`, null, choiceWord[row.choice])
      : el("span", "choice choice--sealed", null, "sealed until close"));
    if (row.changes > 0) cell.append(" ", el("span", "roll-call__changes", null, changesText(row.changes)));
    return cell;
  }

  function reasonCell(row) {
    if (row.reason) return el("td", "roll-call__reason", null, row.reason);
    return el("td", "roll-call__reason", null, el("span", "muted", null, row.choice ? "none given" : "sealed"));
  }

  function rowFor(row) {
    const me = same(row.voter, viewer);
    return el("tr", me ? "roll-call__me" : null, { "data-voter": row.voter.toLowerCase() },
      el("th", null, { scope: "row" }, row.voter + (me ? " (you)" : "")),
      voteCell(row),
      reasonCell(row),
      el("td", "roll-call__when", null, el("time", null, { datetime: isoSeconds(row.castAt), title: when(row.castAt) }, short(row.castAt))));
  }

  function rollCallTable(section) {
    let body = section.querySelector("table.roll-call__table tbody");
    if (body) return body;
    body = el("tbody");
    const table = el("table", "roll-call__table", null,
      el("caption"),
      el("thead", null, null, el("tr", null, null,
        el("th", null, { scope: "col" }, "Member"),
        el("th", null, { scope: "col" }, "Vote"),
        el("th", null, { scope: "col" }, "Reason"),
        el("th", null, { scope: "col" }, "Cast ", el("span", "muted", null, "(UTC)")))),
      body);
    const wrapper = el("div", "table-scroll", null, table);
    const empty = section.querySelector("p.empty");
    if (empty) empty.replaceWith(wrapper);
    else section.querySelector("h2")?.after(wrapper);
    return body;
  }

  /** Adds or replaces a voter's row (in the electorate's order), crosses them off "not yet voted"; returns the turnout. */
  function applyRow(row, seq) {
    const section = rollCall();
    if (!section) return null;
    const key = row.voter.toLowerCase();
    if ((voterSeq.get(key) || 0) > seq) return null;
    voterSeq.set(key, seq);
    const body = rollCallTable(section);
    const fresh = rowFor(row);
    const existing = body.querySelector(`tr[data-voter="${CSS.escape(key)}"]`);
    if (existing) existing.replaceWith(fresh);
    else {
      const after = [...body.rows].find((r) => (r.dataset.voter || "") > key);
      body.insertBefore(fresh, after || null);
    }
    highlight(fresh);

    const missing = section.querySelector(`li[data-voter="${CSS.escape(key)}"]`);
    const list = missing?.parentElement;
    missing?.remove();
    const left = section.querySelectorAll("li[data-voter]").length;
    const title = section.querySelector("#not-voted-title");
    if (title) {
      if (left === 0) {
        list?.remove();
        title.replaceWith(el("p", null, null, "Every elector has voted; the vote closes as soon as it is counted."));
      } else title.textContent = title.textContent.replace(/\(\d[\d,]*\)\s*$/, `(${left})`);
    }
    const voted = body.rows.length;
    const caption = section.querySelector("caption");
    if (caption) caption.textContent = `${count(voted, "vote", "votes")} of ${count(voted + left, "elector", "electors")}, as they stand now`;
    return { voted, electorate: voted + left };
  }

  /** Rewrites the numbers of the count section from a tally; the rules and the words around them stay as rendered. */
  function applyTally(tally, seq) {
    if (!tally || seq < tallySeq) return;
    tallySeq = seq;
    const section = document.getElementById("count");
    if (!section) return;
    const quorum = section.querySelector(".quorum__text");
    if (quorum) {
      quorum.replaceChildren(
        el("strong", null, null, `${tally.voted} of ${count(tally.electorate, "elector", "electors")}`),
        ` have voted. Quorum needs ${tally.quorumNeeds} — `,
        tally.quorumMet
          ? el("strong", "quorum__met", null, "met")
          : el("strong", "quorum__missed", null, `${count(tally.stillNeededForQuorum, "more vote", "more votes")} needed`),
        ".");
    }
    section.querySelector(".bar__fill--voted")?.setAttribute("width", width(tally.voted, tally.electorate));
    if (!tally.choicesHidden) {
      for (const [word, n] of [["for", tally.for], ["against", tally.against], ["abstain", tally.abstain]]) {
        const row = section.querySelector(`.tally__row--${word}`);
        if (!row) continue;
        const number = row.querySelector(".tally__number");
        if (number && number.textContent !== String(n)) {
          number.textContent = String(n);
          highlight(number);
        }
        const share = row.querySelector(".tally__share");
        if (share) share.textContent = tally.voted > 0 ? `${percent(n, tally.voted)} %` : "–";
        row.querySelector(".bar__fill")?.setAttribute("width", width(n, tally.voted));
      }
      const basis = section.querySelector(".count__basis");
      if (basis) {
        basis.textContent = basis.textContent
          .replace(/Shares are of the [\d,]+ votes? cast\./, `Shares are of the ${count(tally.voted, "vote", "votes")} cast.`)
          .replace(/For is \d+ % of the For and Against votes/, `For is ${percent(tally.for, tally.for + tally.against)} % of the For and Against votes`);
      }
      const projected = section.querySelector(".projection:not(.projection--final) .outcome");
      if (projected && tally.projected) {
        const word = tally.projected === "adopted" ? "adopted" : tally.projected === "rejected" ? "rejected" : "undecided for lack of quorum";
        projected.className = `outcome outcome--${tally.projected.replace("_", "")}`;
        projected.textContent = word;
      }
    }
  }

  function onVote(data, seq) {
    const turnout = applyRow(data.row, seq);
    if (data.tally) applyTally(data.tally, seq);
    const who = same(data.row.voter, viewer) ? "You" : data.row.voter;
    const verb = data.row.changes > 0 ? "changed their vote" : "voted";
    const numbers = data.tally || turnout;
    announce(numbers ? `${who} ${verb}; ${numbers.voted} of ${numbers.electorate} voted` : `${who} ${verb}`);
  }

  // A change of phase (voting opened or closed, the text revised, an amendment answered) changes most of the page and
  // what the reader may do: redraw the proposal from the server, unless the reader is in the middle of writing.
  let redrawTimer = null;
  function redraw(sentence) {
    if (sentence) announce(sentence);
    clearTimeout(redrawTimer);
    redrawTimer = setTimeout(async () => {
      const current = root.querySelector(":scope > article");
      const fields = current ? [...current.querySelectorAll("input, textarea, select")] : [];
      const busy = fields.some((f) => (f.type === "radio" || f.type === "checkbox" ? f.checked !== f.defaultChecked
        : f.tagName === "SELECT" ? [...f.options].some((o) => o.selected !== o.defaultSelected)
          : f.type !== "hidden" && f.value !== f.defaultValue))
        || (current && current.contains(document.activeElement) && document.activeElement.closest("form"));
      if (busy) {
        setStatus("stopped", "This page changed while you were writing. Reload to see the latest.");
        return;
      }
      try {
        const response = await fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!response.ok) throw new Error(String(response.status));
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("main > article");
        if (!current || !fresh) throw new Error("no article");
        current.replaceWith(document.adoptNode(fresh));
        placeStatus();
        highlight(document.getElementById("phase"));
      } catch {
        setStatus("stopped", "This page changed. Reload to see the latest.");
      }
    }, 250);
  }

  const outcomeWords = { adopted: "adopted", rejected: "rejected", no_quorum: "not decided: no quorum" };
  const proposalHandlers = {
    vote_cast: (data, e) => onVote(data, e.seq),
    votes_revealed: () => redraw(null),
    voting_opened: () => redraw("Voting has opened"),
    voting_closed: (data) => redraw(`Voting has closed: ${outcomeWords[data.outcome] || data.outcome}`),
    proposal_submitted: () => redraw("The proposal was put to discussion"),
    proposal_revised: () => redraw("The proposal was revised"),
    proposal_withdrawn: () => redraw("The proposal was withdrawn"),
    amendment_offered: () => redraw("An amendment was offered"),
    amendment_answered: (data) => redraw(data.accepted ? "An amendment was accepted" : "An amendment was declined"),
  };

  // ---- the thread page ----------------------------------------------------------------------------------------------

  const threadOpen = () => !!root.querySelector("section.thread__reply");
  const permalink = (id) => `/o/${slug}/c/${id}`;
  const attachmentUrl = (sha) => `/api/orgs/${encodeURIComponent(slug)}/attachments/${sha}`;
  const inlineImage = (type) => ["image/png", "image/jpeg", "image/gif", "image/webp"].includes(type);
  const size = (bytes) => bytes < 1024 ? `${bytes} bytes`
    : bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB`
      : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  const fileKind = (type) => ({ "application/pdf": "PDF", "text/plain": "text", "image/png": "PNG image", "image/jpeg": "JPEG image",
    "image/gif": "GIF image", "image/webp": "WebP image" })[type]
    || (type.includes("opendocument") ? "OpenDocument" : type.includes("openxmlformats") ? "Office document" : "file");

  function structureList(structure) {
    if (!structure) return null;
    const rows = [["Why", structure.why], ["To whom", structure.toWhom], ["Source", structure.source], ["Analysis", structure.analysis]]
      .filter(([, value]) => value && value.trim())
      .map(([label, value]) => el("div", "structure__row", null, el("dt", null, null, label), el("dd", null, null, value)));
    return rows.length ? el("dl", "structure", null, rows) : null;
  }

  function attachmentList(files) {
    if (!files || files.length === 0) return null;
    const images = files.filter((f) => inlineImage(f.contentType));
    const others = files.filter((f) => !inlineImage(f.contentType));
    return el("div", "attachments", null,
      images.length ? el("ul", "attachments__images", null, images.map((f) => el("li", null, null,
        el("figure", "attachment-image", null,
          el("a", null, { href: attachmentUrl(f.sha256) }, el("img", null, { src: attachmentUrl(f.sha256), alt: f.fileName, loading: "lazy" })),
          el("figcaption", null, null, `${f.fileName} `, el("span", "muted", null, `(${size(f.size)})`)))))) : null,
      others.length ? el("ul", "attachments__files", null, others.map((f) => el("li", null, null,
        el("a", null, { href: attachmentUrl(f.sha256), download: f.fileName }, f.fileName), " ",
        el("span", "muted", null, `(${fileKind(f.contentType)}, ${size(f.size)})`)))) : null);
  }

  /** The sanitized HTML the server stored for the contribution: the one string inserted as markup. */
  function body(html) {
    const div = el("div", "prose contribution__body");
    div.innerHTML = html;
    return div;
  }

  function retractedNote() {
    return el("p", "contribution__retracted", null, "Retracted by the author.");
  }

  function card(c, inReplyTo) {
    const mine = same(c.author, viewer);
    const headId = `c-${c.contributionId}-head`;
    const meta = el("p", "contribution__meta dots", { id: headId },
      el("span", null, null, el("span", "contribution__author", null, c.author), mine ? " (you)" : null), " ",
      el("time", null, { datetime: isoSeconds(c.createdAt) }, when(c.createdAt)));
    if (c.editedAt && !c.retracted) meta.append(" ", editedLink(c.contributionId));
    const actions = el("ul", "contribution__actions", null,
      threadOpen() && !c.retracted ? el("li", null, null, el("a", null, { href: `/o/${slug}/threads/${c.threadId}/reply?to=${c.contributionId}` },
        "Reply", el("span", "visually-hidden", null, ` to ${c.author}`))) : null,
      el("li", null, null, el("a", null, { href: permalink(c.contributionId) }, "Link", el("span", "visually-hidden", null, ` to this contribution by ${c.author}`))),
      mine && !c.retracted ? [
        el("li", null, null, el("a", null, { href: `${permalink(c.contributionId)}/edit` }, "Edit")),
        el("li", null, null, el("a", null, { href: `${permalink(c.contributionId)}/retract` }, "Retract")),
      ] : null);
    return el("article", `contribution${c.retracted ? " contribution--retracted" : ""}`, { id: `c-${c.contributionId}`, "aria-labelledby": headId },
      el("header", "contribution__head", null, meta,
        inReplyTo ? el("p", "contribution__context", null, "in reply to ", el("a", null, { href: `#c-${inReplyTo.id}` }, `@${inReplyTo.author}`)) : null),
      c.retracted ? retractedNote() : [structureList(c.structure), body(c.html), attachmentList(c.attachments)],
      actions);
  }

  function editedLink(id) {
    return el("a", "contribution__edited", { href: `${permalink(id)}/history` }, "edited", el("span", "visually-hidden", null, ": see earlier versions"));
  }

  function topLevelList() {
    const section = root.querySelector("section.thread__replies");
    if (!section) return null;
    let list = section.querySelector(":scope > ol.replies");
    if (!list) {
      list = el("ol", "replies");
      section.append(list);
    }
    return list;
  }

  function updateReplyCount() {
    const title = document.getElementById("replies-title");
    if (!title) return;
    const replies = root.querySelectorAll("section.thread__replies article.contribution").length;
    title.textContent = replies === 0 ? "No replies yet" : count(replies, "reply", "replies");
  }

  /** Nests a new contribution under what it answers, as the server lays threads out (ContributionTree.Layout). */
  function insertContribution(c) {
    if (document.getElementById(`c-${c.contributionId}`)) {
      updateContribution(c);
      return;
    }
    const parent = c.parentId ? document.getElementById(`c-${c.parentId}`) : null;
    let item;
    if (!parent || parent.classList.contains("contribution--opening")) {
      item = el("li", "replies__item", null, card(c, null));
      topLevelList()?.append(item);
    } else {
      let level = 0;
      for (let list = parent.closest("ol.replies"); list; list = list.parentElement?.closest("ol.replies")) level++;
      const parentItem = parent.closest("li.replies__item");
      if (level < maxDepth && parentItem) {
        item = el("li", "replies__item", null, card(c, null));
        let list = parentItem.querySelector(":scope > ol.replies");
        if (!list) parentItem.append(list = el("ol", "replies"));
        list.append(item);
      } else {
        // Deeper than the page indents: shown beside its parent, after the parent's other deep replies, naming whom it answers.
        const author = parent.querySelector(".contribution__author")?.textContent || "";
        item = el("li", "replies__item", null, card(c, { id: c.parentId, author }));
        const family = new Set([c.parentId]);
        let after = parentItem;
        for (let next = after?.nextElementSibling; next; next = next.nextElementSibling) {
          const answers = next.querySelector(":scope > article .contribution__context a")?.getAttribute("href")?.slice(3);
          if (!answers || !family.has(answers)) break;
          family.add(next.querySelector(":scope > article").id.slice(2));
          after = next;
        }
        if (after) after.after(item);
        else topLevelList()?.append(item);
      }
    }
    updateReplyCount();
    highlight(item?.querySelector("article"));
    announce(same(c.author, viewer) ? "Your reply was posted" : `New reply from ${c.author}`);
  }

  function updateContribution(c) {
    const article = document.getElementById(`c-${c.contributionId}`);
    if (!article) return;
    if (c.retracted) {
      retract(article);
      return;
    }
    article.querySelectorAll(":scope > dl.structure, :scope > .contribution__body, :scope > .attachments").forEach((n) => n.remove());
    const header = article.querySelector(":scope > header");
    header.after(...[structureList(c.structure), body(c.html), attachmentList(c.attachments)].filter(Boolean));
    const meta = header.querySelector(".contribution__meta");
    if (c.editedAt && meta && !meta.querySelector(".contribution__edited")) meta.append(" ", editedLink(c.contributionId));
    highlight(article);
  }

  function retract(article) {
    if (article.classList.contains("contribution--retracted")) return;
    article.classList.add("contribution--retracted");
    article.querySelectorAll(":scope > dl.structure, :scope > .contribution__body, :scope > .attachments, .contribution__edited").forEach((n) => n.remove());
    article.querySelector(":scope > header").after(retractedNote());
    article.querySelectorAll(".contribution__actions a").forEach((a) => {
      if (/\/(edit|retract)$|\/reply\?/.test(a.getAttribute("href") || "")) a.closest("li").remove();
    });
    highlight(article);
  }

  function closeThread() {
    root.querySelector("section.thread__reply")?.remove();
    root.querySelector(".thread__propose")?.remove();
    root.querySelectorAll(".contribution__actions a[href*='/reply?']").forEach((a) => a.closest("li").remove());
    const badge = root.querySelector(".thread__meta .badge");
    if (badge) {
      badge.classList.remove("badge--open");
      badge.textContent = "Closed";
    }
    root.querySelector("section.thread__replies")?.after(
      el("p", "notice", null, "This thread is closed: it takes no new contributions. What was said stays here to read."));
  }

  const threadHandlers = {
    contribution_posted: (data) => insertContribution(data),
    contribution_edited: (data) => {
      updateContribution(data);
      announce(`${same(data.author, viewer) ? "You" : data.author} edited a contribution`);
    },
    contribution_retracted: (data) => {
      const article = document.getElementById(`c-${data.contributionId}`);
      if (article) retract(article);
      announce(`${same(data.author, viewer) ? "You" : data.author} retracted a contribution`);
    },
    thread_closed: () => {
      closeThread();
      announce("This thread was closed");
    },
  };

  const handlers = kind === "proposal" ? proposalHandlers : kind === "thread" ? threadHandlers : {};

  // ---- applying events in order ---------------------------------------------------------------------------------------

  function apply(e) {
    if (e.type === "tally") {
      applyTally(e.data.tally, e.seq);
      return;
    }
    if (e.seq <= lastSeq) return; // already shown: rendered into the page, caught up, or pushed twice
    lastSeq = e.seq;
    const handler = handlers[e.type];
    if (!handler) return;
    try {
      handler(e.data, e);
    } catch {
      setStatus("stopped", "Live updates could not be shown here. Reload to see the latest.");
    }
  }

  // ---- the connection ---------------------------------------------------------------------------------------------

  let catchingUp = true;
  let stopped = false;
  const held = [];
  const connection = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/live")
    // Never give up, but spread the retries of many pages after a restart: 0.5 s doubling to 30 s, with jitter.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => Math.min(30000, 500 * 2 ** Math.min(retry.previousRetryCount, 6)) * (0.5 + Math.random()) })
    .configureLogging(signalR.LogLevel.None)
    .build();

  function receive(e) {
    if (catchingUp) held.push(e);
    else apply(e);
  }
  connection.on("event", receive);
  // In a burst the server sends what gathered in a short window at once, in sequence order.
  connection.on("events", (list) => list.forEach(receive));
  connection.on("ended", () => stop("Live updates stopped: you can no longer read this page. Reload it."));
  connection.onreconnecting(() => setStatus("reconnecting", "Connection lost; reconnecting…"));
  connection.onreconnected(() => follow());
  connection.onclose(() => {
    if (!stopped) {
      setStatus("reconnecting", "Connection lost; reconnecting…");
      setTimeout(start, 5000 + Math.random() * 5000);
    }
  });

  function stop(text) {
    stopped = true;
    setStatus("stopped", text);
    connection.stop();
  }

  /** Subscribe, then ask for everything after the last event applied; pushes arriving meanwhile wait their turn. */
  async function follow() {
    catchingUp = true;
    try {
      await connection.invoke("Subscribe", topic);
      for (;;) {
        const page = await connection.invoke("CatchUp", topic, lastSeq);
        page.events.forEach(apply);
        lastSeq = Math.max(lastSeq, page.upTo);
        if (!page.more) break;
      }
      catchingUp = false;
      held.sort((a, b) => a.seq - b.seq).splice(0).forEach(apply);
      setStatus("live", "Live: changes appear as they happen.");
    } catch (error) {
      catchingUp = false;
      held.length = 0;
      if (/cannot follow this topic/.test(String(error && error.message))) {
        stop("Live updates are not available on this page. Reload it to see the latest.");
      } else {
        // The server had a problem; drop the connection and come back, catching up from where we were.
        setStatus("reconnecting", "Live updates interrupted; retrying…");
        connection.stop();
      }
    }
  }

  async function start() {
    if (stopped || connection.state !== signalR.HubConnectionState.Disconnected) return;
    try {
      await connection.start();
      await follow();
    } catch {
      setStatus("reconnecting", "Live updates are unavailable for now; retrying…");
      setTimeout(start, 5000 + Math.random() * 10000);
    }
  }

  start();
})();

// The review page: posts to the public POST /score and shows the report in the article's text.
// Article text only ever reaches the page through textContent, never as markup.
"use strict";

const MESSAGES = {
  en: {
    skip: "Skip to the result",
    subtitle: "review",
    intro: "Check an article against what other outlets report about the same story.",
    textLabel: "Article text",
    textHint: "Paste the article as written, or give its address instead.",
    urlLabel: "… or its address (URL)",
    sourceLabel: "Outlet (optional)",
    sourceHint: "Its own articles never count as confirmation.",
    keyLabel: "API key (if required)",
    submit: "Score",
    resultHeading: "Result",
    articleHeading: "The article, as written",
    articleHint: "Move over a highlight, or reach it with Tab, to see the evidence. Escape closes it.",
    panelHeading: "Summary",
    scoring: "Scoring …",
    scored: (claims, flags) =>
      `Scored: ${claims} ${claims === 1 ? "claim" : "claims"}, ${flags} ${flags === 1 ? "flag" : "flags"}.`,
    nothingToScore: "Paste the article's text or give its address.",
    score: "Article score",
    scoreHelp: "Agreement with the other outlets, 0 to 100.",
    language: "Language",
    source: "Source",
    sourceUnknown: "not given",
    reliability: "Learned reliability",
    notLearned: "not learned yet",
    prior: "Operator rating",
    claims: "Claims",
    verdicts: {
      supported: "supported",
      contradicted: "contradicted",
      mixed: "mixed",
      unverified: "unverified",
    },
    verdictHelp: {
      supported: "The other outlets confirm it.",
      contradicted: "The other outlets say otherwise.",
      mixed: "The other outlets disagree among themselves.",
      unverified: "No independent outlet takes a side.",
    },
    agreement: "agreement",
    conflicts: "Conflicting values",
    quoted: (text) => `“${text}”`,
    conflict: (found, expected) => `here “${found}”, elsewhere “${expected}”`,
    evidence: "Evidence",
    noEvidence: "No other outlet reports this.",
    stances: { supports: "supports", contradicts: "contradicts", related: "related" },
    similarity: "similarity",
    flags: "Flags",
    noFlags: "No flags.",
    flagTypes: {
      spelling_drift: "Spelling drift",
      translation_artifact: "Translation artifact",
      scraping_residue: "Scraping residue",
    },
    subtypes: {
      peers: "unlike the peers",
      inconsistent: "spelled two ways",
      foreign_transliteration: "foreign transliteration",
      date_order: "date order",
      quote_style: "quotation marks",
      number_format: "number format",
      translated_name: "translated name",
      fragment: "fragment",
      audio_player: "audio player",
      newsletter: "newsletter",
      related_link: "related link",
      credit: "credit",
      boilerplate: "boilerplate",
    },
    found: "found",
    expected: "expected",
    confidence: "confidence",
    usedBy: "used by",
    peers: "Peers",
    noPeers: "No other outlet reports this story yet.",
    voice: "voice",
    voices: "Independent voices",
    weight: "weight",
    untitled: "(no title)",
    errors: {
      network: "The service could not be reached. Check the connection and try again.",
      unreadable: "The service answered with something this page cannot read.",
      bad_request: "The request could not be read.",
      not_found: "The service does not know this address.",
      method_not_allowed: "The service does not accept this request here.",
      payload_too_large: "The article is too large to send.",
      validation_error: "The request was not accepted.",
      text_too_long: "The article is longer than the service accepts.",
      unauthorized: "The service needs an API key with read access: enter it above.",
      forbidden: "This API key may not do that.",
      too_many_requests: "The service is scoring as many articles as it can. Try again in a moment.",
      time_budget_exceeded: "Scoring took too long and was stopped. Try again in a moment.",
      too_many_sentences: "The article has more sentences than the service accepts.",
      url_blocked: "The service does not fetch this address (only public web pages).",
      upstream_not_found: "The page at this address no longer exists.",
      unsupported_content_type: "The address does not lead to a web page or a plain text.",
      not_an_article: "No article text was found on that page. Paste the text instead.",
      upstream_too_large: "The page at this address is too large to fetch.",
      upstream_unreachable: "The page's server could not be reached.",
      upstream_error: "The page's server answered with an error.",
      upstream_timeout: "The page's server took too long to answer.",
      database_unavailable: "The service's database is not reachable. Try again in a moment.",
      internal_error: "The service failed unexpectedly. Please report it with the reference below.",
      other: (status) => `The service answered with an error (HTTP ${status}).`,
    },
    reference: "Reference",
  },
  de: {
    skip: "Zum Ergebnis springen",
    subtitle: "Prüfung",
    intro: "Einen Artikel mit dem vergleichen, was andere Medien über dieselbe Geschichte berichten.",
    textLabel: "Text des Artikels",
    textHint: "Den Artikel so einfügen, wie er geschrieben ist, oder stattdessen seine Adresse angeben.",
    urlLabel: "… oder seine Adresse (URL)",
    sourceLabel: "Medium (optional)",
    sourceHint: "Dessen eigene Artikel zählen nie als Bestätigung.",
    keyLabel: "API-Schlüssel (falls nötig)",
    submit: "Prüfen",
    resultHeading: "Ergebnis",
    articleHeading: "Der Artikel, wie geschrieben",
    articleHint: "Über eine Markierung fahren oder sie mit Tab erreichen, um die Belege zu sehen. Escape schließt sie.",
    panelHeading: "Übersicht",
    scoring: "Wird geprüft …",
    scored: (claims, flags) =>
      `Geprüft: ${claims} ${claims === 1 ? "Aussage" : "Aussagen"}, ${flags} ${flags === 1 ? "Hinweis" : "Hinweise"}.`,
    nothingToScore: "Den Text des Artikels einfügen oder seine Adresse angeben.",
    score: "Bewertung des Artikels",
    scoreHelp: "Übereinstimmung mit den anderen Medien, 0 bis 100.",
    language: "Sprache",
    source: "Quelle",
    sourceUnknown: "nicht angegeben",
    reliability: "Gelernte Verlässlichkeit",
    notLearned: "noch nicht gelernt",
    prior: "Einstufung durch den Betrieb",
    claims: "Aussagen",
    verdicts: {
      supported: "bestätigt",
      contradicted: "widersprochen",
      mixed: "uneinig",
      unverified: "ungeprüft",
    },
    verdictHelp: {
      supported: "Die anderen Medien bestätigen es.",
      contradicted: "Die anderen Medien berichten anderes.",
      mixed: "Die anderen Medien sind sich uneinig.",
      unverified: "Kein unabhängiges Medium bezieht Stellung.",
    },
    agreement: "Übereinstimmung",
    conflicts: "Abweichende Angaben",
    quoted: (text) => `„${text}“`,
    conflict: (found, expected) => `hier „${found}“, anderswo „${expected}“`,
    evidence: "Belege",
    noEvidence: "Kein anderes Medium berichtet das.",
    stances: { supports: "bestätigt", contradicts: "widerspricht", related: "verwandt" },
    similarity: "Ähnlichkeit",
    flags: "Hinweise",
    noFlags: "Keine Hinweise.",
    flagTypes: {
      spelling_drift: "Abweichende Schreibung",
      translation_artifact: "Übersetzungsspur",
      scraping_residue: "Seitenreste",
    },
    subtypes: {
      peers: "anders als die Vergleichsartikel",
      inconsistent: "zweierlei Schreibung",
      foreign_transliteration: "fremde Transkription",
      date_order: "Datumsreihenfolge",
      quote_style: "Anführungszeichen",
      number_format: "Zahlenformat",
      translated_name: "übersetzter Name",
      fragment: "Bruchstück",
      audio_player: "Audio-Player",
      newsletter: "Newsletter",
      related_link: "„Siehe auch“-Link",
      credit: "Bildnachweis",
      boilerplate: "Seitenbaustein",
    },
    found: "gefunden",
    expected: "erwartet",
    confidence: "Sicherheit",
    usedBy: "so bei",
    peers: "Vergleichsartikel",
    noPeers: "Noch berichtet kein anderes Medium über diese Geschichte.",
    voice: "Stimme",
    voices: "Unabhängige Stimmen",
    weight: "Gewicht",
    untitled: "(ohne Titel)",
    errors: {
      network: "Der Dienst ist nicht erreichbar. Bitte die Verbindung prüfen und es erneut versuchen.",
      unreadable: "Der Dienst hat etwas geantwortet, das diese Seite nicht lesen kann.",
      bad_request: "Die Anfrage konnte nicht gelesen werden.",
      not_found: "Der Dienst kennt diese Adresse nicht.",
      method_not_allowed: "Der Dienst nimmt diese Anfrage hier nicht an.",
      payload_too_large: "Der Artikel ist zu groß zum Senden.",
      validation_error: "Die Anfrage wurde nicht angenommen.",
      text_too_long: "Der Artikel ist länger, als der Dienst annimmt.",
      unauthorized: "Der Dienst verlangt einen API-Schlüssel mit Leserecht: bitte oben eintragen.",
      forbidden: "Dieser API-Schlüssel darf das nicht.",
      too_many_requests: "Der Dienst prüft gerade so viele Artikel, wie er kann. Bitte gleich noch einmal versuchen.",
      time_budget_exceeded: "Die Prüfung hat zu lange gedauert und wurde abgebrochen. Bitte gleich noch einmal versuchen.",
      too_many_sentences: "Der Artikel hat mehr Sätze, als der Dienst annimmt.",
      url_blocked: "Diese Adresse ruft der Dienst nicht ab (nur öffentliche Webseiten).",
      upstream_not_found: "Die Seite unter dieser Adresse gibt es nicht mehr.",
      unsupported_content_type: "Die Adresse führt nicht zu einer Webseite oder einem reinen Text.",
      not_an_article: "Auf der Seite wurde kein Artikeltext gefunden. Bitte den Text einfügen.",
      upstream_too_large: "Die Seite unter dieser Adresse ist zu groß zum Abrufen.",
      upstream_unreachable: "Der Server der Seite war nicht erreichbar.",
      upstream_error: "Der Server der Seite hat mit einem Fehler geantwortet.",
      upstream_timeout: "Der Server der Seite hat zu lange nicht geantwortet.",
      database_unavailable: "Die Datenbank des Dienstes ist nicht erreichbar. Bitte gleich noch einmal versuchen.",
      internal_error: "Im Dienst ist ein unerwarteter Fehler aufgetreten. Bitte mit der Referenz unten melden.",
      other: (status) => `Der Dienst hat mit einem Fehler geantwortet (HTTP ${status}).`,
    },
    reference: "Referenz",
  },
};

const VERDICTS = ["contradicted", "mixed", "unverified", "supported"];

function chooseLanguage(preferred) {
  for (const tag of preferred || []) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (base in MESSAGES) return base;
  }
  return "en";
}

const LANG = chooseLanguage(navigator.languages || [navigator.language]);
const T = MESSAGES[LANG];

// Python offsets count code points; JavaScript strings count UTF-16 units. utf16[i] is where
// code point i starts, utf16[n] the string's length.
function codePointOffsets(text) {
  const utf16 = [0];
  let position = 0;
  for (const character of text) {
    position += character.length;
    utf16.push(position);
  }
  return utf16;
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const percent = new Intl.NumberFormat(LANG, { style: "percent", maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(LANG, { maximumFractionDigits: 2, minimumFractionDigits: 2 });

// --- Segmenting the text --------------------------------------------------------------------

// Claims do not overlap (they are sentences); overlapping flags merge into one cluster.
function claimSpans(claims, length) {
  const spans = [];
  let covered = 0;
  claims
    .map((claim, index) => ({ claim, index }))
    .sort((a, b) => a.claim.start - b.claim.start)
    .forEach(({ claim, index }) => {
      const start = Math.max(clamp(claim.start, length), covered);
      const end = clamp(claim.end, length);
      if (end > start) {
        spans.push({ start, end, index });
        covered = end;
      }
    });
  return spans;
}

function flagClusters(flags, length) {
  const clusters = [];
  flags
    .map((flag, index) => ({ flag, index }))
    .filter(({ flag }) => clamp(flag.end, length) > clamp(flag.start, length))
    .sort((a, b) => a.flag.start - b.flag.start)
    .forEach(({ flag, index }) => {
      const start = clamp(flag.start, length);
      const end = clamp(flag.end, length);
      const last = clusters[clusters.length - 1];
      if (last && start < last.end) {
        last.end = Math.max(last.end, end);
        last.flags.push(index);
      } else {
        clusters.push({ start, end, flags: [index] });
      }
    });
  clusters.forEach((cluster, index) => (cluster.index = index));
  return clusters;
}

function clamp(offset, length) {
  return Math.min(Math.max(Number(offset) || 0, 0), length);
}

function coveringAt(spans, position) {
  return spans.find((span) => span.start <= position && position < span.end) || null;
}

// Cut the text at every boundary; each piece lies in at most one claim and one flag cluster.
function segments(length, claims, clusters) {
  const cuts = new Set([0, length]);
  for (const span of [...claims, ...clusters]) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i];
    pieces.push({
      start,
      end: sorted[i + 1],
      claim: coveringAt(claims, start),
      cluster: coveringAt(clusters, start),
    });
  }
  return pieces;
}

// --- Rendering the article ------------------------------------------------------------------

function renderArticle(container, text, report, clusters) {
  const utf16 = codePointOffsets(text);
  const length = utf16.length - 1;
  const claims = claimSpans(report.claims, length);
  const slice = (start, end) => text.slice(utf16[start], utf16[end]);
  const focusableCluster = new Set();
  let claimMark = null;
  let openClaim = null;
  let flagMark = null;
  let openCluster = null;
  container.replaceChildren();

  for (const piece of segments(length, claims, clusters)) {
    if (piece.claim !== openClaim) {
      openClaim = piece.claim;
      claimMark = openClaim ? claimElement(report.claims[openClaim.index], openClaim.index) : null;
      if (claimMark) container.append(claimMark);
      openCluster = null;
      flagMark = null;
    }
    const parent = claimMark || container;
    if (piece.cluster !== openCluster) {
      openCluster = piece.cluster;
      flagMark = null;
      if (openCluster) {
        // A cluster cut by a claim boundary is one tab stop: its first piece.
        const first = !focusableCluster.has(openCluster.index);
        focusableCluster.add(openCluster.index);
        flagMark = flagElement(report.flags, openCluster, first);
        parent.append(flagMark);
      }
    }
    (flagMark || parent).append(slice(piece.start, piece.end));
  }
}

function claimElement(claim, index) {
  return el("mark", {
    class: `claim verdict-${claim.verdict}`,
    "data-verdict": claim.verdict,
    "data-claim": index,
    "data-detail": `detail-claim-${index}`,
    "aria-describedby": `detail-claim-${index}`,
    tabindex: 0,
  });
}

function flagElement(flags, cluster, focusable) {
  const types = [...new Set(cluster.flags.map((index) => flags[index].type))];
  return el("mark", {
    class: `flag flag-${types[0]}`,
    "data-types": types.join(" "),
    "data-cluster": cluster.index,
    "data-detail": `detail-flag-${cluster.index}`,
    "aria-describedby": `detail-flag-${cluster.index}`,
    tabindex: focusable ? 0 : -1,
  });
}

// --- Popovers with the evidence -------------------------------------------------------------

function renderDetails(container, report, clusters) {
  container.replaceChildren(
    ...report.claims.map((claim, index) => popover(`detail-claim-${index}`, claimDetail(claim))),
    ...clusters.map((cluster) =>
      popover(`detail-flag-${cluster.index}`, cluster.flags.map((i) => flagDetail(report.flags[i])))
    )
  );
}

function popover(id, content) {
  return el("div", { id, class: "popover", role: "tooltip", hidden: true }, content);
}

function claimDetail(claim) {
  const verdict = claim.verdict;
  const parts = [
    el(
      "p",
      { class: `popover-title verdict-badge verdict-${verdict}` },
      `${T.verdicts[verdict]} · ${percent.format(claim.agreement)} ${T.agreement}`
    ),
    el("p", { class: "popover-help" }, T.verdictHelp[verdict]),
  ];
  if (claim.conflicts.length) {
    parts.push(
      el("p", { class: "popover-label" }, T.conflicts),
      el(
        "ul",
        { class: "conflicts" },
        claim.conflicts.map((conflict) =>
          el(
            "li",
            {},
            el("strong", {}, T.conflict(conflict.found, conflict.expected)),
            ` (${conflict.sources.join(", ")})`
          )
        )
      )
    );
  }
  parts.push(el("p", { class: "popover-label" }, T.evidence));
  if (!claim.evidence.length) parts.push(el("p", {}, T.noEvidence));
  else
    parts.push(
      el(
        "ul",
        { class: "evidence" },
        claim.evidence.slice(0, 5).map((evidence) =>
          el(
            "li",
            { class: `stance-${evidence.stance}` },
            el(
              "span",
              { class: "evidence-meta" },
              `${evidence.source} · ${T.stances[evidence.stance] || evidence.stance} · ` +
                `${T.similarity} ${decimal.format(evidence.similarity)}`
            ),
            el("q", {}, evidence.text)
          )
        )
      )
    );
  return parts;
}

function flagDetail(flag) {
  const values = [el("span", {}, `${T.found} `, el("strong", {}, T.quoted(flag.found)))];
  if (flag.expected) {
    values.push(el("span", {}, ` → ${T.expected} `, el("strong", {}, T.quoted(flag.expected))));
  }
  return el(
    "div",
    { class: `flag-detail flag-${flag.type}` },
    el("p", { class: "popover-title" }, `${T.flagTypes[flag.type] || flag.type} · ${subtype(flag)}`),
    el("p", {}, values),
    el("p", {}, flag.message),
    el(
      "p",
      { class: "evidence-meta" },
      `${T.confidence} ${percent.format(flag.confidence)}`,
      flag.evidence.sources.length ? ` · ${T.usedBy} ${flag.evidence.sources.join(", ")}` : ""
    )
  );
}

const popovers = {
  open: null,
  timer: null,

  show(mark) {
    clearTimeout(this.timer);
    const box = document.getElementById(mark.dataset.detail);
    if (!box) return;
    if (this.open && this.open !== box) this.open.hidden = true;
    box.hidden = false;
    this.open = box;
    place(box, mark);
  },

  hide() {
    clearTimeout(this.timer);
    if (this.open) this.open.hidden = true;
    this.open = null;
  },

  hideSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const focused = document.activeElement;
      if (focused && focused.dataset && focused.dataset.detail) this.show(focused);
      else this.hide();
    }, 250);
  },
};

function place(box, mark) {
  const rects = mark.getClientRects();
  const last = rects[rects.length - 1] || mark.getBoundingClientRect();
  const first = rects[0] || last;
  const width = Math.min(420, document.documentElement.clientWidth - 16);
  box.style.width = `${width}px`;
  const left = Math.max(8, Math.min(first.left, document.documentElement.clientWidth - width - 8));
  box.style.left = `${left + window.scrollX}px`;
  box.style.top = `${last.bottom + window.scrollY + 6}px`;
}

function markOf(target) {
  return target instanceof Element ? target.closest("mark[data-detail]") : null;
}

function wirePopovers(article, container) {
  article.addEventListener("focusin", (event) => {
    const mark = markOf(event.target);
    if (mark) popovers.show(mark);
  });
  article.addEventListener("focusout", () => popovers.hideSoon());
  article.addEventListener("mouseover", (event) => {
    const mark = markOf(event.target);
    if (mark) popovers.show(mark);
  });
  article.addEventListener("mouseout", (event) => {
    if (!markOf(event.relatedTarget)) popovers.hideSoon();
  });
  article.addEventListener("click", (event) => {
    const mark = markOf(event.target);
    if (mark) popovers.show(mark);
  });
  container.addEventListener("mouseover", () => clearTimeout(popovers.timer));
  container.addEventListener("mouseleave", () => popovers.hideSoon());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && popovers.open) {
      popovers.hide();
      event.preventDefault();
    }
  });
  window.addEventListener("resize", () => {
    const mark = popovers.open && document.querySelector(`mark[data-detail="${popovers.open.id}"]`);
    if (mark) place(popovers.open, mark);
  });
}

// --- The side panel -------------------------------------------------------------------------

function renderPanel(panel, report) {
  const heading = panel.querySelector("#panel-heading");
  panel.replaceChildren(
    heading,
    scoreSection(report),
    sourceSection(report.source),
    claimsSection(report.claims),
    flagsSection(report.flags),
    peersSection(report.peers),
    voicesSection(report.voices)
  );
}

function section(title, ...content) {
  return el("section", { class: "panel-section" }, el("h4", {}, title), ...content);
}

function scoreSection(report) {
  const value = Math.round(report.score * 100);
  return section(
    T.score,
    el("p", { class: "score" }, el("span", { class: "score-value" }, value), " / 100"),
    el("meter", { min: 0, max: 100, low: 40, high: 75, optimum: 100, value, "aria-label": T.score }),
    el("p", { class: "hint" }, T.scoreHelp),
    report.language ? el("p", {}, `${T.language}: ${report.language}`) : null
  );
}

function sourceSection(source) {
  return section(
    T.source,
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, T.source),
      el("dd", {}, source.name || T.sourceUnknown),
      el("dt", {}, T.reliability),
      el("dd", {}, source.reliability === null ? T.notLearned : decimal.format(source.reliability)),
      source.prior === null ? null : [el("dt", {}, T.prior), el("dd", {}, decimal.format(source.prior))]
    )
  );
}

function claimsSection(claims) {
  const counts = Object.fromEntries(VERDICTS.map((verdict) => [verdict, 0]));
  for (const claim of claims) counts[claim.verdict] += 1;
  return section(
    T.claims,
    el(
      "ul",
      { class: "legend" },
      VERDICTS.map((verdict) =>
        el(
          "li",
          { "data-verdict": verdict },
          el("span", { class: `swatch claim verdict-${verdict}`, "aria-hidden": "true" }, "Abc"),
          ` ${T.verdicts[verdict]}: ${counts[verdict]}`
        )
      )
    )
  );
}

function flagsSection(flags) {
  if (!flags.length) return section(T.flags, el("p", {}, T.noFlags));
  const byType = new Map();
  flags.forEach((flag, index) => {
    if (!byType.has(flag.type)) byType.set(flag.type, []);
    byType.get(flag.type).push({ flag, index });
  });
  return section(
    T.flags,
    [...byType].map(([type, entries]) =>
      el(
        "div",
        { class: "flag-group", "data-type": type },
        el(
          "h5",
          {},
          el("span", { class: `swatch flag flag-${type}`, "aria-hidden": "true" }, "Abc"),
          ` ${T.flagTypes[type] || type} (${entries.length})`
        ),
        el(
          "ul",
          {},
          entries.map(({ flag, index }) =>
            el(
              "li",
              {},
              el(
                "button",
                { type: "button", class: "link", "data-flag": index },
                flag.expected ? `${flag.found} → ${flag.expected}` : flag.found
              ),
              ` ${subtype(flag)}`
            )
          )
        )
      )
    )
  );
}

function peersSection(peers) {
  if (!peers.length) return section(T.peers, el("p", {}, T.noPeers));
  return section(
    T.peers,
    el(
      "ul",
      { class: "peers" },
      peers.map((peer) =>
        el(
          "li",
          {},
          el("strong", {}, peer.source),
          " ",
          safeUrl(peer.url)
            ? el("a", { href: peer.url, rel: "noopener noreferrer", target: "_blank" }, peer.title || peer.url)
            : peer.title || T.untitled,
          el(
            "span",
            { class: "evidence-meta" },
            ` · ${T.similarity} ${decimal.format(peer.similarity)} · ${T.voice} ${peer.voice + 1}`
          )
        )
      )
    )
  );
}

function voicesSection(voices) {
  return section(
    T.voices,
    el(
      "ol",
      { class: "voices" },
      voices.map((voice) =>
        el("li", {}, voice.sources.join(", "), ` · ${T.weight} ${decimal.format(voice.weight)}`)
      )
    )
  );
}

function subtype(flag) {
  return T.subtypes[flag.subtype] || flag.subtype;
}

function safeUrl(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url);
}

// --- Talking to the API ---------------------------------------------------------------------

function requestBody(form) {
  const text = form.elements.text.value;
  const url = form.elements.url.value.trim();
  const source = form.elements.source.value.trim();
  if (!text.trim() && !url) return null;
  const body = text.trim() ? { text } : {};
  if (url) body.url = url;
  if (source) body.source = source;
  return body;
}

async function postScore(body, key) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (key) headers["x-api-key"] = key;
  let response;
  try {
    response = await fetch("/score", { method: "POST", headers, body: JSON.stringify(body) });
  } catch {
    return { error: [T.errors.network] };
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.ok && payload && Array.isArray(payload.claims)) return { report: payload };
  if (response.ok) return { error: [T.errors.unreadable] };
  return { error: errorLines(response, payload) };
}

function errorLines(response, payload) {
  const error = payload && payload.error ? payload.error : {};
  const lines = [T.errors[error.code] || T.errors.other(response.status)];
  if (typeof error.message === "string" && error.message) lines.push(error.message);
  if (Array.isArray(error.details)) {
    for (const detail of error.details) {
      const where = (detail.loc || []).filter((part) => part !== "body").join(".");
      if (detail.message) lines.push(where ? `${where}: ${detail.message}` : detail.message);
    }
  }
  const reference = response.headers.get("x-request-id");
  if (response.status >= 500 && reference) lines.push(`${T.reference}: ${reference}`);
  return lines;
}

function showError(lines) {
  const box = document.getElementById("error");
  box.replaceChildren(...lines.map((line, index) => el("p", index ? {} : { class: "error-title" }, line)));
  box.hidden = false;
}

function showReport(text, report) {
  const length = codePointOffsets(text).length - 1;
  const clusters = flagClusters(report.flags, length);
  clusterOfFlag = new Map(clusters.flatMap((cluster) => cluster.flags.map((i) => [i, cluster.index])));
  renderArticle(document.getElementById("article-text"), text, report, clusters);
  renderDetails(document.getElementById("popovers"), report, clusters);
  renderPanel(document.getElementById("panel"), report);
  document.getElementById("result").hidden = false;
}

let clusterOfFlag = new Map();

function focusFlag(index) {
  const cluster = clusterOfFlag.get(index);
  const mark = document.querySelector(`#article-text mark[data-cluster="${cluster}"][tabindex="0"]`);
  if (!mark) return;
  mark.scrollIntoView({ block: "center" });
  mark.focus();
}

async function onSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const status = document.getElementById("status");
  document.getElementById("error").hidden = true;
  popovers.hide();
  const body = requestBody(form);
  if (!body) {
    status.textContent = "";
    showError([T.nothingToScore]);
    form.elements.text.focus();
    return;
  }
  const button = form.elements.submit;
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  status.textContent = T.scoring;
  try {
    const result = await postScore(body, form.elements.key.value.trim());
    if (result.error) {
      status.textContent = "";
      document.getElementById("result").hidden = true;
      showError(result.error);
      return;
    }
    const report = result.report;
    // With a URL the service fetched the page itself; offsets index into the text it extracted.
    showReport(report.fetched ? report.fetched.text : body.text || "", report);
    status.textContent = T.scored(report.claims.length, report.flags.length);
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

function translateStatic() {
  document.documentElement.lang = LANG;
  for (const node of document.querySelectorAll("[data-i18n]")) {
    const message = T[node.dataset.i18n];
    if (typeof message === "string") node.textContent = message;
  }
}

function start() {
  translateStatic();
  const form = document.getElementById("score-form");
  form.addEventListener("submit", onSubmit);
  wirePopovers(document.getElementById("article-text"), document.getElementById("popovers"));
  document.getElementById("panel").addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-flag]") : null;
    if (button) focusFlag(Number(button.dataset.flag));
  });
}

document.addEventListener("DOMContentLoaded", start);

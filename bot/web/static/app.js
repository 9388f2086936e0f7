// The search page and Mini App: search as you type, filters, language and script, keyboard
// navigation. Plain ES module, no build step; every text is set with textContent.

import { announcer } from "./page.js"; // also wires every button.copy-link[data-url]
import * as tg from "./tg.js";

const LANGS = ["en", "zh-Hans", "zh-Hant"];
const SCRIPTS = ["simplified", "traditional", "hongkong", "original"];
const THEMES = ["light", "dark"];
// The pause after a key before searching. The target is the first result on screen within
// 150 ms of the last key (bench/web_page.py); the search and drawing take 15-35 ms on the
// seeds, so the pause is 100 ms: a pause of 150 ms alone would miss the target.
const DEBOUNCE_MS = 100;
const LIMIT = 10;
const CHAT_TYPES = ["users", "groups", "channels"];

const STRINGS = {
  en: {
    docTitle: "quotebot: search the quotes",
    skip: "Skip to the results",
    title: "Search the quotes",
    tagline: "What AI researchers and builders said, each with its source.",
    language: "Language",
    script: "Chinese characters",
    scriptAuto: "Automatic",
    scriptSimplified: "Simplified",
    scriptTraditional: "Traditional",
    scriptHongkong: "Traditional (Hong Kong)",
    scriptOriginal: "As published",
    theme: "Theme",
    themeAuto: "Automatic",
    themeLight: "Light",
    themeDark: "Dark",
    searchLabel: "Search quotes",
    placeholder: "alignment, scaling laws, 对齐",
    hint: "Press / to search, ↑ and ↓ to move through the results, Enter to open one.",
    speaker: "Speaker",
    anySpeaker: "All speakers",
    source: "Source",
    anySource: "All sources",
    resultsLabel: "Results",
    found: (n) => (n === 1 ? "1 quote found." : `${n} quotes found.`),
    none: "No quote found. Try other words, or fewer filters.",
    failed: "The search failed. Try again in a moment.",
    busy: (s) => `Too many searches at once; try again in ${s} s.`,
    copy: "Copy link",
    share: "Share on Telegram",
    send: "Send to chat",
    byMeaning: "matched by meaning",
    original: "Original",
    watch: (t) => `Watch from ${t}`,
    api: "The API",
    signedIn: (name) => `Signed in through Telegram as ${name}: your choices here are the bot's too.`,
    notSignedIn: "Telegram's sign-in could not be checked; your choices here are not saved.",
    saved: "Saved: the bot uses these choices too.",
    notSaved: "Could not save your choices; try again.",
  },
  "zh-Hans": {
    docTitle: "quotebot:搜索语录",
    skip: "跳到搜索结果",
    title: "搜索语录",
    tagline: "AI 研究者和创业者说过的话,每句都有出处。",
    language: "语言",
    script: "中文字形",
    scriptAuto: "自动",
    scriptSimplified: "简体",
    scriptTraditional: "繁体",
    scriptHongkong: "繁体(香港)",
    scriptOriginal: "按原文",
    theme: "主题",
    themeAuto: "自动",
    themeLight: "浅色",
    themeDark: "深色",
    searchLabel: "搜索语录",
    placeholder: "对齐、规模定律、alignment",
    hint: "按 / 开始搜索,用 ↑ ↓ 在结果间移动,按 Enter 打开。",
    speaker: "说话人",
    anySpeaker: "所有说话人",
    source: "出处",
    anySource: "所有出处",
    resultsLabel: "搜索结果",
    found: (n) => `找到 ${n} 条语录。`,
    none: "没有找到语录。换个说法,或少用几个筛选条件试试。",
    failed: "搜索失败,请稍后再试。",
    busy: (s) => `搜索太频繁了,请 ${s} 秒后再试。`,
    copy: "复制链接",
    share: "分享到 Telegram",
    send: "发送到聊天",
    byMeaning: "按意思匹配",
    original: "原文",
    watch: (t) => `从 ${t} 开始观看`,
    api: "API",
    signedIn: (name) => `已通过 Telegram 登录为 ${name}:这里的选择也会用于机器人。`,
    notSignedIn: "无法验证 Telegram 登录,这里的选择不会保存。",
    saved: "已保存:机器人也会使用这些选择。",
    notSaved: "无法保存你的选择,请重试。",
  },
  "zh-Hant": {
    docTitle: "quotebot:搜尋語錄",
    skip: "跳到搜尋結果",
    title: "搜尋語錄",
    tagline: "AI 研究者和創業者說過的話,每句都有出處。",
    language: "語言",
    script: "中文字形",
    scriptAuto: "自動",
    scriptSimplified: "簡體",
    scriptTraditional: "繁體",
    scriptHongkong: "繁體(香港)",
    scriptOriginal: "按原文",
    theme: "主題",
    themeAuto: "自動",
    themeLight: "淺色",
    themeDark: "深色",
    searchLabel: "搜尋語錄",
    placeholder: "對齊、規模定律、alignment",
    hint: "按 / 開始搜尋,用 ↑ ↓ 在結果間移動,按 Enter 開啟。",
    speaker: "說話人",
    anySpeaker: "所有說話人",
    source: "出處",
    anySource: "所有出處",
    resultsLabel: "搜尋結果",
    found: (n) => `找到 ${n} 則語錄。`,
    none: "沒有找到語錄。換個說法,或少用幾個篩選條件試試。",
    failed: "搜尋失敗,請稍後再試。",
    busy: (s) => `搜尋太頻繁了,請 ${s} 秒後再試。`,
    copy: "複製連結",
    share: "分享到 Telegram",
    send: "傳送到聊天",
    byMeaning: "按意思配對",
    original: "原文",
    watch: (t) => `從 ${t} 開始觀看`,
    api: "API",
    signedIn: (name) => `已透過 Telegram 登入為 ${name}:這裡的選擇也會用於機器人。`,
    notSignedIn: "無法驗證 Telegram 登入,這裡的選擇不會儲存。",
    saved: "已儲存:機器人也會使用這些選擇。",
    notSaved: "無法儲存你的選擇,請重試。",
  },
};

const $ = (id) => document.getElementById(id);
const els = {
  form: document.querySelector("form.search"),
  q: $("q"),
  speaker: $("speaker"),
  source: $("source"),
  lang: $("lang"),
  script: $("script"),
  theme: $("theme"),
  themePref: document.querySelector(".theme-pref"),
  results: $("results"),
  status: $("status"),
  account: $("account"),
};

const state = {
  lang: "en",
  langChosen: false, // from ?lang= or the Mini App user: kept in the URL and in links
  script: "",
  theme: "",
  speakers: [],
  sources: [],
  saved: null, // the Mini App user's stored settings ({language, script, theme})
  miniApp: false,
};

/** The reader's language among ours, from the browser's list (zh-TW/HK/MO read traditional). */
export function preferredLanguage(languages = navigator.languages || [navigator.language || "en"]) {
  for (const tag of languages) {
    const lower = String(tag).toLowerCase();
    if (/^zh-(hant|tw|hk|mo)\b/.test(lower)) return "zh-Hant";
    if (lower.startsWith("zh")) return "zh-Hans";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

/** One of the UI strings in the page's language (a function's result for counted ones). */
function t(key, ...args) {
  const value = STRINGS[state.lang][key] ?? STRINGS.en[key];
  return typeof value === "function" ? value(...args) : value;
}

/** Writes every labelled string of the page in its language. */
function applyStrings() {
  document.documentElement.lang = state.lang;
  document.title = t("docTitle");
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of document.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
  fillSpeakers();
  fillSources();
}

/** The query string the API and the page's own URL share (only what is set). */
function params(extra = {}) {
  const found = new URLSearchParams();
  for (const [key, value] of Object.entries(extra)) {
    if (value !== "" && value !== null && value !== undefined) found.set(key, String(value));
  }
  return found;
}

/** Keeps the query, the filters and the chosen language in the address (no new history entry). */
function keepInUrl() {
  const kept = params({
    q: els.q.value.trim(),
    speaker: els.speaker.value,
    source: els.source.value,
    lang: state.langChosen ? state.lang : "",
    script: state.script,
  }).toString();
  history.replaceState(history.state, "", `${location.pathname}${kept ? `?${kept}` : ""}${location.hash}`);
}

/** What the API answers in: the page's language and the chosen script. */
function languageParams() {
  return { lang: state.lang, script: state.script };
}

/** The quote's page on this site, in the page's language and script. */
function pageUrl(quote) {
  const kept = params(languageParams()).toString();
  return `/q/${encodeURIComponent(quote.id)}${kept ? `?${kept}` : ""}`;
}

/** Telegram's share link for a quote: its public URL and the words with their speaker. */
function shareUrl(quote) {
  const text = `${quote.text} (${quote.speaker_name || quote.speaker})`;
  return `https://t.me/share/url?${params({ url: quote.url, text })}`;
}

/** "12:30" or "1:02:03" for a moment `seconds` into a recording. */
function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** The language tag a quote's text is read in (for screen readers and fonts). */
function textLang(text) {
  if (!/[\u3400-\u9fff]/.test(text)) return "en";
  return readsTraditional() ? "zh-Hant" : "zh-Hans";
}

/** Whether Chinese is shown in traditional characters (the script chosen, or zh-Hant). */
function readsTraditional() {
  return ["traditional", "hongkong"].includes(state.script) || (state.lang === "zh-Hant" && !state.script);
}

/** A new element with a class and text (textContent, never markup). */
function make(tag, className = "", text = "") {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text) element.textContent = text;
  return element;
}

/** The source as one line: title, publisher, date (whatever is known). */
function sourceLine(source) {
  return [source.title || source.file, source.publisher, source.date].filter(Boolean).join(" · ");
}

/** One result: the quote linking to its page, who said it where, and its buttons. */
function resultItem(quote) {
  const item = make("li", "result");
  const who = `who-${quote.id}`;
  const quoted = make("blockquote", "quote");
  const line = make("p");
  const link = make("a", "result-link", quote.text);
  link.href = pageUrl(quote);
  link.lang = textLang(quote.text);
  line.append(link);
  quoted.append(line);
  item.append(quoted);
  if (quote.original) {
    const original = make("p", "original", quote.original);
    original.lang = quote.original_lang || textLang(quote.original);
    item.append(original);
  }
  const cite = make("p", "cite");
  cite.id = who;
  cite.append(make("span", "speaker", quote.speaker_name || quote.speaker));
  if (quote.source) cite.append(" · ", make("span", "source", sourceLine(quote.source)));
  if (quote.matched_by === "meaning") cite.append(" ", make("span", "badge", t("byMeaning")));
  item.append(cite);
  item.append(actions(quote, who));
  return item;
}

/** Copy-link and share buttons, and "Send to chat" inside Telegram. */
function actions(quote, who) {
  const row = make("p", "actions");
  const copy = make("button", "copy-link", t("copy"));
  copy.type = "button";
  copy.dataset.url = quote.url;
  copy.setAttribute("aria-describedby", who);
  const share = make("a", "share-telegram", t("share"));
  share.href = shareUrl(quote);
  share.target = "_blank";
  share.rel = "noopener noreferrer";
  share.setAttribute("aria-describedby", who);
  row.append(copy, share);
  if (/^https?:\/\//.test(quote.moment_url || "") && typeof quote.start === "number") { // a web link only
    const moment = make("a", "moment", t("watch", clock(quote.start)));
    moment.href = quote.moment_url;
    moment.rel = "noopener noreferrer";
    row.append(moment);
  }
  if (state.miniApp) {
    const send = make("button", "send-chat", t("send"));
    send.type = "button";
    send.dataset.id = String(quote.id);
    send.setAttribute("aria-describedby", who);
    row.append(send);
  }
  return row;
}

/** Shows the results (or none) and says how many in the live region. */
function render(results, announce = true) {
  els.results.replaceChildren(...results.map(resultItem));
  if (announce) els.status.textContent = results.length ? t("found", results.length) : t("none");
}

let timer = 0;
let inFlight = null;

/** Searches again after the reader paused typing. */
function searchSoon() {
  clearTimeout(timer);
  timer = setTimeout(search, DEBOUNCE_MS);
}

/** Asks the API for the query in the box and shows its answers; a newer search cancels this one. */
async function search() {
  clearTimeout(timer);
  keepInUrl();
  inFlight?.abort();
  const q = els.q.value.trim();
  if (!q) {
    inFlight = null;
    render([], false);
    els.status.textContent = "";
    return;
  }
  const controller = new AbortController();
  inFlight = controller;
  const query = params({ q, limit: LIMIT, speaker: els.speaker.value, source: els.source.value, ...languageParams() });
  try {
    const response = await fetch(`/api/v1/search?${query}`, {
      signal: controller.signal,
      headers: { Accept: "application/json" },
    });
    if (response.status === 429) {
      els.status.textContent = t("busy", Number(response.headers.get("Retry-After")) || 1);
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    if (controller.signal.aborted) return;
    render(Array.isArray(body.results) ? body.results : []);
  } catch (error) {
    if (error.name !== "AbortError") els.status.textContent = t("failed");
  }
}

/** Reads a JSON list from the API (an empty one when it cannot). */
async function getJson(path) {
  try {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

/** Refills a filter's options after the first ("all"), keeping what is selected. */
function refill(select, entries, wanted = select.value) {
  const all = select.options[0];
  all.textContent = t(all.dataset.i18n);
  const options = entries.map(([value, label]) => {
    const option = make("option", "", label);
    option.value = value;
    return option;
  });
  if (wanted && !entries.some(([value]) => value === wanted)) {
    const kept = make("option", "", wanted); // from the URL, not (yet) listed
    kept.value = wanted;
    options.push(kept);
  }
  select.replaceChildren(all, ...options);
  select.value = wanted;
}

/** Speakers as readers of the page's language know them, with how many quotes each has. */
function fillSpeakers(wanted) {
  const chinese = state.lang !== "en";
  refill(
    els.speaker,
    state.speakers.map((s) => {
      const nameZh = readsTraditional() ? s.name_zh_hant : s.name_zh;
      return [s.name, `${(chinese && nameZh) || s.name} (${s.quotes})`];
    }),
    wanted,
  );
}

/** Sources by title and date. */
function fillSources(wanted) {
  refill(
    els.source,
    state.sources.map((s) => [s.file, [s.title || s.file, s.date].filter(Boolean).join(", ")]),
    wanted,
  );
}

/** Loads the speakers and sources of the filters. */
async function loadFilters(speaker, source) {
  const [speakers, sources] = await Promise.all([getJson("/api/v1/speakers"), getJson("/api/v1/sources")]);
  state.speakers = Array.isArray(speakers.speakers) ? speakers.speakers : [];
  state.sources = Array.isArray(sources.sources) ? sources.sources : [];
  fillSpeakers(speaker || els.speaker.value);
  fillSources(source || els.source.value);
}

/** The focusable link of each result, in order. */
function resultLinks() {
  return [...els.results.querySelectorAll("a.result-link")];
}

/** Arrow keys move through the results (from the box or any result); Escape returns to the box. */
function onResultKey(event) {
  const links = resultLinks();
  const item = event.target.closest && event.target.closest("li.result");
  const index = item ? links.indexOf(item.querySelector("a.result-link")) : -1;
  let next = null;
  if (event.key === "ArrowDown") next = links[Math.min(index + 1, links.length - 1)];
  else if (event.key === "ArrowUp" && item) next = index <= 0 ? els.q : links[index - 1];
  else if (event.key === "Home" && item) next = links[0];
  else if (event.key === "End" && item) next = links[links.length - 1];
  else if (event.key === "Escape" && item) next = els.q;
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

/** True when a key typed into this element is text ("/" stays a slash there). */
function typing(element) {
  return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ||
    element instanceof HTMLSelectElement || element?.isContentEditable;
}

/** Saves a changed choice for the Mini App's user (the bot's own settings). */
async function save(change) {
  if (!state.miniApp || !state.saved) return;
  const wanted = { ...state.saved, ...change };
  try {
    const response = await fetch("/api/v1/me", {
      method: "PUT",
      headers: { Authorization: tg.authorization(), "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(wanted),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const me = await response.json();
    state.saved = { language: me.language ?? null, script: me.script ?? null, theme: me.theme ?? null };
    els.account.textContent = t("saved");
  } catch {
    els.account.textContent = t("notSaved");
  }
}

/** Light or dark as chosen; without a choice, Telegram's colours (inside it) or the system's. */
function applyTheme() {
  if (state.theme) {
    document.documentElement.dataset.theme = state.theme;
    tg.clearTheme();
  } else {
    delete document.documentElement.dataset.theme;
    if (state.miniApp) tg.applyTheme(tg.themeParams());
  }
}

/** Inside Telegram: tells it the app is ready, reads who the user is and their settings. */
async function startMiniApp(fromUrl) {
  state.miniApp = true;
  document.body.classList.add("mini-app");
  els.themePref.hidden = false;
  tg.postEvent("web_app_ready");
  tg.postEvent("web_app_expand");
  tg.onEvent("theme_changed", (data) => {
    if (!state.theme && data.theme_params) tg.applyTheme(data.theme_params);
  });
  applyTheme();
  let me = null;
  try {
    const response = await fetch("/api/v1/me", {
      headers: { Authorization: tg.authorization(), Accept: "application/json" },
    });
    me = response.ok ? await response.json() : null;
  } catch {
    me = null;
  }
  els.account.hidden = false;
  if (!me) {
    els.account.textContent = t("notSignedIn");
    return;
  }
  state.saved = { language: me.language ?? null, script: me.script ?? null, theme: me.theme ?? null };
  if (!fromUrl.has("lang") && LANGS.includes(me.language)) {
    state.lang = me.language;
    state.langChosen = true;
  }
  if (!fromUrl.has("script") && SCRIPTS.includes(me.script)) state.script = me.script;
  if (THEMES.includes(me.theme)) state.theme = me.theme;
  applyTheme();
  const name = [me.user?.first_name, me.user?.last_name].filter(Boolean).join(" ") || String(me.user?.id ?? "");
  els.account.textContent = t("signedIn", name);
}

/** Wires the page's controls. */
function listen() {
  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  els.q.addEventListener("input", (event) => {
    if (!event.isComposing) searchSoon(); // a Chinese or Japanese IME: wait for the character
  });
  els.q.addEventListener("compositionend", searchSoon);
  els.speaker.addEventListener("change", search);
  els.source.addEventListener("change", search);
  els.lang.addEventListener("change", () => {
    state.lang = LANGS.includes(els.lang.value) ? els.lang.value : "en";
    state.langChosen = true;
    applyStrings();
    search();
    save({ language: state.lang });
  });
  els.script.addEventListener("change", () => {
    state.script = SCRIPTS.includes(els.script.value) ? els.script.value : "";
    search();
    save({ script: state.script || null });
  });
  els.theme.addEventListener("change", () => {
    state.theme = THEMES.includes(els.theme.value) ? els.theme.value : "";
    applyTheme();
    save({ theme: state.theme || null });
  });
  els.q.addEventListener("keydown", onResultKey);
  els.results.addEventListener("keydown", onResultKey);
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
      event.preventDefault();
      els.q.focus();
      els.q.select();
    }
  });
  els.results.addEventListener("click", (event) => {
    const send = event.target.closest && event.target.closest("button.send-chat");
    if (send) {
      tg.postEvent("web_app_switch_inline_query", { query: `#${send.dataset.id}`, chat_types: CHAT_TYPES });
      return;
    }
    const share = event.target.closest && event.target.closest("a.share-telegram");
    if (share && state.miniApp) { // inside Telegram, its own share sheet
      event.preventDefault();
      const url = new URL(share.href);
      tg.postEvent("web_app_open_tg_link", { path_full: `${url.pathname}${url.search}` });
    }
  });
}

/** Starts the page from its address: ?q= shows its results at once. */
async function start() {
  const fromUrl = new URLSearchParams(location.search);
  state.lang = LANGS.includes(fromUrl.get("lang")) ? fromUrl.get("lang") : preferredLanguage();
  state.langChosen = fromUrl.has("lang") && LANGS.includes(fromUrl.get("lang"));
  state.script = SCRIPTS.includes(fromUrl.get("script")) ? fromUrl.get("script") : "";
  els.q.value = (fromUrl.get("q") || "").slice(0, 300);
  listen();
  if (tg.inTelegram()) await startMiniApp(fromUrl);
  els.lang.value = state.lang;
  els.script.value = state.script;
  els.theme.value = state.theme;
  applyStrings();
  announcer(); // the status region exists before anything is said in it
  const speaker = fromUrl.get("speaker") || "";
  const source = fromUrl.get("source") || "";
  fillSpeakers(speaker); // kept as chosen while the lists load, so the first search uses them
  fillSources(source);
  await Promise.all([loadFilters(speaker, source), els.q.value.trim() ? search() : null]);
}

start();

// A tiny Telegram Mini App shim: what Telegram puts in location.hash, and postEvent.
// Nothing is loaded from telegram.org; see https://core.telegram.org/api/web-events.

const STORED = "quotebot.tgWebAppData";
const STORED_THEME = "quotebot.tgWebAppThemeParams";
const COLOR = /^#[0-9a-f]{3,8}$/i;

/** The launch parameters Telegram put after "#" (kept for pages opened from the app). */
function launchParams() {
  return new URLSearchParams(location.hash.slice(1));
}

/** The signed initData of this Mini App session (raw query string), or null outside Telegram. */
export function initData() {
  const fromHash = launchParams().get("tgWebAppData");
  try {
    if (fromHash) sessionStorage.setItem(STORED, fromHash);
    return fromHash || sessionStorage.getItem(STORED);
  } catch {
    return fromHash; // storage refused (privacy mode): the hash alone
  }
}

/** True when the page runs as a Mini App inside Telegram. */
export function inTelegram() {
  return Boolean(initData());
}

/** Telegram's theme colours ({bg_color, text_color, ...}) from the hash, only well-formed ones. */
export function themeParams() {
  let params = {};
  try {
    const fromHash = launchParams().get("tgWebAppThemeParams");
    if (fromHash) sessionStorage.setItem(STORED_THEME, fromHash);
    params = JSON.parse(fromHash || sessionStorage.getItem(STORED_THEME) || "{}");
  } catch {
    return {};
  }
  return Object.fromEntries(
    Object.entries(params).filter(([key, value]) => /^[a-z_]+$/.test(key) && COLOR.test(String(value))),
  );
}

/** Sends an event to the Telegram client (mobile and desktop proxy, or Telegram Web's frame). */
export function postEvent(eventType, eventData = {}) {
  const proxy = window.TelegramWebviewProxy;
  if (proxy && typeof proxy.postEvent === "function") {
    proxy.postEvent(eventType, JSON.stringify(eventData));
  } else if (window.parent !== window) {
    window.parent.postMessage(JSON.stringify({ eventType, eventData }), "https://web.telegram.org");
  }
}

const listeners = {};

/** Calls `handler(eventData)` when Telegram sends `eventType` (theme_changed, back_button_pressed). */
export function onEvent(eventType, handler) {
  (listeners[eventType] ||= []).push(handler);
}

function receive(eventType, eventData) {
  for (const handler of listeners[eventType] || []) handler(eventData || {});
}

// Mobile clients call window.Telegram.WebView.receiveEvent; Telegram Web posts a message.
window.Telegram = window.Telegram || {};
window.Telegram.WebView = window.Telegram.WebView || { receiveEvent: receive };
window.addEventListener("message", (event) => {
  if (!/^https:\/\/([a-z0-9-]+\.)*telegram\.org$/.test(event.origin)) return;
  try {
    const message = JSON.parse(event.data);
    if (message && typeof message.eventType === "string") receive(message.eventType, message.eventData);
  } catch {
    // not one of Telegram's messages
  }
});

/** Applies Telegram's colours as the page's CSS variables (the theme inside Telegram). */
export function applyTheme(params, root = document.documentElement) {
  const names = {
    bg_color: "--bg",
    secondary_bg_color: "--surface",
    text_color: "--fg",
    hint_color: "--muted",
    link_color: "--link",
    button_color: "--accent",
    button_text_color: "--accent-fg",
  };
  for (const [key, variable] of Object.entries(names)) {
    if (params[key]) root.style.setProperty(variable, params[key]);
  }
}

/** Forgets Telegram's colours (the user chose light or dark themselves). */
export function clearTheme(root = document.documentElement) {
  for (const variable of ["--bg", "--surface", "--fg", "--muted", "--link", "--accent", "--accent-fg"]) {
    root.style.removeProperty(variable);
  }
}

/** The `Authorization` header value the server checks ("tma <initData>"), or null. */
export function authorization() {
  const data = initData();
  return data ? `tma ${data}` : null;
}

// The quote page's behaviour (and the copy buttons of the search page, which imports it):
// every `button.copy-link[data-url]` copies its link, with a fallback where the Clipboard
// API is refused (plain http, older browsers); the result is said in a polite live region.

import { applyTheme, inTelegram, onEvent, postEvent, themeParams } from "./tg.js";

const SAID = {
  en: { copied: "Link copied.", failed: "Could not copy the link; here it is:" },
  "zh-Hans": { copied: "链接已复制。", failed: "无法复制链接,链接如下:" },
  "zh-Hant": { copied: "連結已複製。", failed: "無法複製連結,連結如下:" },
};

/** The page's own words for the copy outcome, in its `<html lang>`. */
function said(key) {
  const lang = document.documentElement.lang;
  return (SAID[lang] || SAID[lang.startsWith("zh") ? "zh-Hans" : "en"])[key];
}

/** Copies through a selected, off-screen textarea: where navigator.clipboard is missing or refused. */
function copyBySelection(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand("copy");
  } catch {
    done = false;
  }
  area.remove();
  return done;
}

/** Copies `text` to the clipboard; true when it was. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // refused (no permission, not focused): try the old way
    }
  }
  return copyBySelection(text);
}

/** The page's polite live region (the search page has one; the quote page gets one). */
export function announcer() {
  let region = document.querySelector("[data-announcer]") || document.getElementById("status");
  if (!region) {
    region = document.createElement("p");
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.className = "visually-hidden";
    region.dataset.announcer = "";
    document.body.append(region);
  }
  return region;
}

/** Says whether the link was copied; when it was not, shows the link so it can be copied by hand. */
async function copyLink(button) {
  const url = button.dataset.url;
  const region = announcer();
  if (await copyText(url)) {
    region.textContent = said("copied");
    button.classList.add("copied");
    setTimeout(() => button.classList.remove("copied"), 2000);
  } else {
    region.textContent = `${said("failed")} ${url}`;
  }
}

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("button.copy-link[data-url]");
  if (button) copyLink(button);
});

// Opened from the Mini App (its initData kept for this tab): Telegram's colours, and its
// back button returns to the search.
if (document.querySelector("main.quote-page") && inTelegram()) {
  applyTheme(themeParams());
  if (history.length > 1) {
    postEvent("web_app_setup_back_button", { is_visible: true });
    onEvent("back_button_pressed", () => history.back());
  }
}

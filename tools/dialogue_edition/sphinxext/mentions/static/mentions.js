// Cards of mentions and citations.
//
// CSS alone shows a card on hover and keyboard focus, under the mention. This script adds what
// CSS cannot do:
// - it places the card against the very line box that was hovered, focused or tapped (a mention
//   that wraps has one box per line: getClientRects), below it or, where there is no room, above
//   it, and always inside the viewport;
// - touch screens have no hover: the first tap on a mention opens its card, a second tap follows
//   the link, a tap elsewhere closes it;
// - Escape dismisses an open card (WCAG 1.4.13).
// Styles are set through element.style, never through markup, so the page's Content Security
// Policy can forbid inline styles.
"use strict";
(() => {
  const MARGIN = 8; // px kept free between a card and the viewport's edges
  const placed = new WeakMap(); // mention -> index of the line box its card stands against

  const cardOf = (mention) => mention.querySelector(":scope > .mention-card");

  // The line box nearest to a point (the pointer, the tap), or the first one (keyboard focus).
  const lineBox = (mention, x, y) => {
    const boxes = Array.from(mention.querySelector("a").getClientRects());
    if (!boxes.length) return { index: 0, box: mention.getBoundingClientRect() };
    let best = 0;
    if (x !== undefined) {
      const distance = (box) =>
        Math.max(box.left - x, 0, x - box.right) + Math.max(box.top - y, 0, y - box.bottom);
      boxes.forEach((box, index) => {
        if (distance(box) < distance(boxes[best])) best = index;
      });
    }
    return { index: best, box: boxes[best] };
  };

  const place = (mention, x, y) => {
    const card = cardOf(mention);
    if (!card) return;
    let index = placed.get(mention);
    let box;
    if (x !== undefined || index === undefined) {
      ({ index, box } = lineBox(mention, x, y));
      placed.set(mention, index);
    } else {
      const boxes = mention.querySelector("a").getClientRects();
      box = boxes[Math.min(index, boxes.length - 1)];
      if (!box) return;
    }
    const width = document.documentElement.clientWidth;
    const height = document.documentElement.clientHeight;
    card.style.position = "fixed";
    card.style.maxWidth = `${Math.min(352, width - 2 * MARGIN)}px`;
    // Measure the card where it will stand: shown, but not yet painted.
    const shown = card.style.display;
    card.style.display = "block";
    const size = card.getBoundingClientRect();
    card.style.display = shown;
    const left = Math.min(Math.max(box.left, MARGIN), Math.max(MARGIN, width - MARGIN - size.width));
    const below = box.bottom + size.height <= height - MARGIN || box.top - size.height < MARGIN;
    card.style.left = `${left}px`;
    card.style.top = `${below ? box.bottom : box.top - size.height}px`;
  };

  const mentionAt = (target) => (target && target.closest ? target.closest(".mention") : null);

  document.addEventListener("mouseover", (event) => {
    const mention = mentionAt(event.target);
    // Only when the pointer comes onto the link itself (moving into the open card keeps it where
    // it is); a new hover shows a card that Escape dismissed.
    if (mention && event.target.closest(".mention a")) {
      mention.classList.remove("is-dismissed");
      place(mention, event.clientX, event.clientY);
    }
  });
  // A finger down on a line places the card before the touch shows it (a touch also hovers), so
  // that a card left against another line never covers the line being tapped.
  document.addEventListener(
    "pointerdown",
    (event) => {
      const mention = mentionAt(event.target);
      if (mention && event.target.closest(".mention a")) place(mention, event.clientX, event.clientY);
    },
    { passive: true },
  );
  document.addEventListener("focusin", (event) => {
    const mention = mentionAt(event.target);
    // Against its first line, unless a pointer or a finger already placed it.
    if (mention && !placed.has(mention)) place(mention);
  });
  const reposition = () => {
    for (const mention of document.querySelectorAll(".mention:hover, .mention:focus-within, .mention.is-open")) {
      place(mention);
    }
  };
  window.addEventListener("scroll", reposition, { passive: true });
  window.addEventListener("resize", reposition);

  const closeAll = (except) => {
    for (const open of document.querySelectorAll(".mention.is-open")) {
      if (open === except) continue;
      open.classList.remove("is-open");
      forget(open);
    }
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".mention a");
    if (link && window.matchMedia("(hover: none)").matches) {
      const mention = link.closest(".mention");
      if (!mention.classList.contains("is-open")) {
        event.preventDefault();
        closeAll(mention);
        mention.classList.remove("is-dismissed");
        mention.classList.add("is-open");
        place(mention, event.clientX, event.clientY);
        return;
      }
    }
    if (!event.target.closest(".mention")) closeAll(null);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    closeAll(null);
    for (const mention of document.querySelectorAll(".mention:hover, .mention:focus-within")) {
      mention.classList.add("is-dismissed");
    }
  });
  // A card that closes forgets where it stood: a hidden card keeps no position that would, on the
  // next touch (which hovers before it taps), cover another line of its mention.
  const forget = (mention) => {
    if (mention.matches(":hover, :focus-within, .is-open")) return;
    const card = cardOf(mention);
    if (card) card.style.position = card.style.left = card.style.top = "";
    placed.delete(mention);
  };
  const undismiss = (event) => {
    const mention = mentionAt(event.target);
    if (!mention) return;
    mention.classList.remove("is-dismissed");
    // After the event: the pointer or the focus has then left.
    window.setTimeout(() => forget(mention), 0);
  };
  document.addEventListener("mouseout", undismiss);
  document.addEventListener("focusout", undismiss);
})();

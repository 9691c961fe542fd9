// The lightbox of blason galleries. Without JavaScript each thumbnail is a
// link to the photo's own page; with it, the photo opens in a modal dialog:
// arrows move, Escape closes, focus stays inside and returns to the
// thumbnail of the photo last shown; a swipe moves on touch screens. A
// polite live region says which photo is shown ("Photo 3 sur 12 : caption"),
// on opening and on every move, since the photo changes without the focus.
(() => {
  "use strict";
  if (!window.HTMLDialogElement) return;
  for (const gallery of document.querySelectorAll("[data-gallery]")) {
    const links = Array.from(gallery.querySelectorAll("a.gallery-link"));
    if (!links.length) continue;
    const dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", gallery.getAttribute("aria-label") || "");
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    const caption = document.createElement("figcaption");
    figure.append(img, caption);
    const button = (cls, label, text) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = cls;
      b.setAttribute("aria-label", label);
      b.textContent = text;
      return b;
    };
    const prev = button("lb-prev", gallery.dataset.labelPrevious || "Previous", "‹");
    const next = button("lb-next", gallery.dataset.labelNext || "Next", "›");
    const close = button("lb-close", gallery.dataset.labelClose || "Close", "×");
    const count = document.createElement("p");
    count.className = "lb-count";
    count.setAttribute("aria-hidden", "true");
    const status = document.createElement("p");
    status.className = "lb-status visually-hidden";
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    const position = gallery.dataset.labelPosition || "Photo {n} / {total}";
    const positionCaption = gallery.dataset.labelPositionCaption || "Photo {n} / {total}: {caption}";
    dialog.append(close, figure, prev, next, count, status);
    document.body.append(dialog);

    let current = 0;
    const show = (i) => {
      current = (i + links.length) % links.length;
      const a = links[current];
      const thumb = a.querySelector("img");
      img.alt = thumb ? thumb.alt : "";
      img.width = Number(a.dataset.width) || 0;
      img.height = Number(a.dataset.height) || 0;
      img.sizes = "100vw";
      img.srcset = a.dataset.srcset || "";
      img.src = a.dataset.src || a.href;
      caption.textContent = [a.dataset.caption, a.dataset.credit].filter(Boolean).join(" — ");
      count.textContent = `${current + 1} / ${links.length}`;
      const what = a.dataset.caption || img.alt;
      const said = (what ? positionCaption : position)
        .replace("{n}", current + 1).replace("{total}", links.length).replace("{caption}", () => what);
      // Emptied first, then filled in a later task: a region whose text is
      // set again to the same words is not announced again.
      status.textContent = "";
      setTimeout(() => { status.textContent = said; }, 50);
    };
    links.forEach((a, i) =>
      a.addEventListener("click", (e) => {
        if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        show(i);
        dialog.showModal();
        close.focus();
      }),
    );
    prev.addEventListener("click", () => show(current - 1));
    next.addEventListener("click", () => show(current + 1));
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (e) => {
      if (e.target === dialog) dialog.close();
    });
    dialog.addEventListener("keydown", (e) => {
      if (e.key === "ArrowRight") { e.preventDefault(); show(current + 1); }
      else if (e.key === "ArrowLeft") { e.preventDefault(); show(current - 1); }
      else if (e.key === "Tab") {
        // Keep the focus on the dialog's buttons (a modal dialog lets it reach the browser's own UI).
        const order = [close, prev, next];
        const i = order.indexOf(document.activeElement);
        e.preventDefault();
        order[(i + (e.shiftKey ? order.length - 1 : 1) + order.length) % order.length].focus();
      }
    });
    dialog.addEventListener("close", () => links[current].focus());
    let startX = null;
    dialog.addEventListener("pointerdown", (e) => { startX = e.clientX; });
    dialog.addEventListener("pointerup", (e) => {
      if (startX === null) return;
      const dx = e.clientX - startX;
      startX = null;
      if (Math.abs(dx) > 50) show(current + (dx < 0 ? 1 : -1));
    });
  }
})();

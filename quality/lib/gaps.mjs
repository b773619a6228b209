// Gate "gaps": no column of a page has a hole in it. At desktop widths a grid that
// stretches to a taller neighbour (the index's categories next to its sidebar) leaves
// cards floating far apart, or cards far taller than what they hold; both are measured
// here, in headless Chromium, after the page and its images and fonts have loaded and
// with animations off, so the numbers are the same on every run.
//
// Definitions (README, "Quality gates"):
//   block      an element child of a container inside <main> (or <main> itself) that is
//              rendered, in flow (not absolute or fixed), block-level (not display: inline,
//              inline-block, inline-flex...: those are set in lines of text) and not
//              visually hidden; children of display: contents count as their
//              grandparent's. Grid and flex items, list items, sections, articles, asides,
//              headings, paragraphs: every box the page stacks.
//   column     two blocks of one container share a column when their horizontal extents
//              overlap by at least half the narrower one's width. The items of a wrapping
//              flex row (a tag cloud) are lines, not columns, and are not paired.
//   gap        for each block, the nearest block of the same container and column that
//              starts below it: the distance from the first one's bottom border edge to
//              the second one's top border edge.
//   card       an element with a border, a background or a shadow that holds something in
//              flow; its empty space is the distance from the bottom of what it holds (its
//              lowest block with that block's bottom margin, or its last line of text) to
//              the bottom of its content box.
// A gap or a card's empty space over the limit (64 px) fails.
import { open } from "./browser.mjs";

/** Runs in the page: every gap between vertically adjacent blocks, every card's empty space. */
function measureGaps(maxGap) {
  const main = document.querySelector("main");
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    else if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
    const text = (el.textContent || "").replace(/\s+/g, " ").trim();
    return text ? `${s} "${text.length > 24 ? text.slice(0, 24) + "…" : text}"` : s;
  };
  const hidden = (el) => !!el.closest("[hidden], .visually-hidden");
  /** The in-flow boxes `parent` lays out, through display: contents. */
  const blocks = (parent) => {
    const out = [];
    for (const el of parent.children) {
      const cs = getComputedStyle(el);
      if (cs.display === "contents") {
        out.push(...blocks(el));
        continue;
      }
      if (cs.display === "none" || cs.display.startsWith("inline") || cs.position === "absolute" || cs.position === "fixed" || cs.visibility === "hidden" || hidden(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      out.push({ el, r, marginBottom: parseFloat(cs.marginBottom) || 0 });
    }
    return out;
  };
  const out = { pairs: 0, cards: 0, largestGap: null, largestSpace: null, gaps: [], spaces: [] };
  const round = (x) => Math.round(x);
  for (const container of [main, ...main.querySelectorAll("*")]) {
    if (hidden(container)) continue;
    const kids = blocks(container);
    // Gaps between neighbours in a column. A wrapping row of flex items (tags, chips) is
    // set like lines of text: a short line leaves room under the item above, not a hole.
    const ccs = getComputedStyle(container);
    const lines = /flex$/.test(ccs.display) && ccs.flexDirection.startsWith("row") && ccs.flexWrap !== "nowrap";
    for (const a of lines ? [] : kids) {
      let next = null;
      for (const b of kids) {
        if (b === a || b.r.top <= a.r.top) continue;
        // b starts below a: not beside it (a slight overlap from a negative margin is fine).
        if (b.r.top < a.r.bottom - Math.min(a.r.height, b.r.height) / 2) continue;
        const overlap = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        if (overlap < Math.min(a.r.width, b.r.width) / 2) continue;
        if (!next || b.r.top < next.r.top) next = b;
      }
      if (!next) continue;
      out.pairs++;
      const gap = Math.max(0, next.r.top - a.r.bottom);
      const found = { gap: round(gap), a: describe(a.el), b: describe(next.el), in: describe(container).replace(/ ".*$/, "") };
      if (!out.largestGap || gap > out.largestGap.gap) out.largestGap = found;
      if (gap > maxGap) out.gaps.push(found);
    }
    // A card taller than what it holds.
    if (container === main) continue;
    const cs = ccs;
    const card = ["Top", "Right", "Bottom", "Left"].some((s) => parseFloat(cs[`border${s}Width`]) > 0) || !/^(transparent|rgba\(0, 0, 0, 0\))$/.test(cs.backgroundColor) || cs.backgroundImage !== "none" || cs.boxShadow !== "none";
    if (!card || cs.display === "inline") continue;
    const r = container.getBoundingClientRect();
    if (r.height < 1) continue;
    // Its own lines of text and inline elements; what is positioned out of flow (a
    // screenshot's highlight boxes) holds nothing up.
    const text = [];
    for (const n of container.childNodes) {
      if (n.nodeType === Node.TEXT_NODE && n.data.trim()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        text.push(...range.getClientRects());
      } else if (n.nodeType === Node.ELEMENT_NODE && getComputedStyle(n).display === "inline" && !hidden(n)) {
        text.push(...n.getClientRects());
      }
    }
    if (!kids.length && !text.some((x) => x.height > 0)) continue;
    const held = Math.max(...kids.map((k) => k.r.bottom + k.marginBottom), ...text.filter((x) => x.height > 0).map((x) => x.bottom));
    const inner = r.bottom - parseFloat(cs.borderBottomWidth) - parseFloat(cs.paddingBottom);
    const space = Math.max(0, inner - held);
    out.cards++;
    const found = { space: round(space), card: describe(container) };
    if (!out.largestSpace || space > out.largestSpace.space) out.largestSpace = found;
    if (space > maxGap) out.spaces.push(found);
  }
  return out;
}

/**
 * Every page at each width: fails on a gap over `maxGap` px between two blocks of a column,
 * or a card with more than `maxGap` px of empty space under what it holds.
 */
export async function gapGate(browser, base, pages, widths, maxGap = 64) {
  const lines = [];
  const table = [];
  let pairs = 0;
  let cards = 0;
  let largest = null;
  for (const width of widths) {
    for (const page of pages) {
      const { ctx, tab, problems } = await open(browser, base, page, { width, height: 900, motion: "reduce" });
      const at = `${page.name} at ${width}px`;
      problems.forEach((p) => lines.push(`${at}: ${p}`));
      // No animation or transition may be caught mid-way; fonts in; two frames for layout.
      await tab.addStyleTag({ content: "*, *::before, *::after { animation: none !important; transition: none !important; }" });
      await tab.evaluate(() => document.fonts.ready.then(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))));
      const m = await tab.evaluate(measureGaps, maxGap);
      await ctx.close();
      pairs += m.pairs;
      cards += m.cards;
      table.push({ page: page.name, width, pairs: m.pairs, cards: m.cards, largestGap: m.largestGap, largestSpace: m.largestSpace });
      if (m.largestGap && (!largest || m.largestGap.gap > largest.gap)) largest = { ...m.largestGap, at };
      for (const g of m.gaps) lines.push(`${at}: ${g.gap}px gap between ${g.a} and ${g.b} below it (in ${g.in}); at most ${maxGap}px`);
      for (const s of m.spaces) lines.push(`${at}: ${s.card} has ${s.space}px of empty space under its content; at most ${maxGap}px`);
    }
  }
  const worst = largest ? `; largest gap ${largest.gap}px (${largest.at}: ${largest.a} → ${largest.b})` : "";
  return {
    ok: lines.length === 0,
    summary: `gaps: ${table.length} page loads at ${widths.join(", ")} px, ${pairs} vertical neighbours and ${cards} cards measured, limit ${maxGap}px${worst}`,
    lines,
    table,
  };
}

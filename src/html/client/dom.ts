/**
 * Building the page from data without markup: every string becomes a text
 * node, and attributes are set one by one from a short list. Event handler
 * attributes, `style`, `src` and any `href` but an in-page `#anchor` are
 * refused, so data can never become script.
 */

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | undefined>;

const SAFE = /^(class|id|title|type|value|min|max|step|role|open|checked|disabled|for|name|colspan|rowspan|scope|alt|loading|width|height|viewBox|d|x|y|x1|x2|y1|y2|cx|cy|r|fill|stroke|stroke-width|stroke-opacity|stroke-dasharray|fill-opacity|opacity|text-anchor|dominant-baseline|points|transform|aria-[a-z]+|data-[a-z-]+|tabindex|lang|dir)$/;

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    const text = v === true ? '' : String(v);
    if (!(SAFE.test(k) || (k === 'href' && /^#[\w-]*$/.test(text)))) throw new Error(`tmt page: refusing attribute ${k}`);
    el.setAttribute(k, text);
  }
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** An HTML element with attributes and children (strings are text, never markup). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const IMAGE_URI = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]*$/;

/**
 * An <img> for a data: URI of a checked image type, or null for anything
 * else (the only way the page sets a `src`). Click to see it full size.
 */
export function image(uri: string, alt: string): HTMLImageElement | null {
  if (!IMAGE_URI.test(uri)) return null;
  const img = h('img', { alt, loading: 'lazy', title: 'click to enlarge' });
  img.src = uri;
  img.addEventListener('click', () => img.classList.toggle('enlarged'));
  return img;
}

/** A titled page section with an anchor for the navigation bar. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { id, class: 'block' }, h('h2', null, title), ...children);
}

/** Calls `draw` for each element the first time it comes near the viewport. */
export function whenVisible(root: Element | null = null): { watch(el: Element, draw: () => void): void; recheck(el: Element): void } {
  const pending = new Map<Element, () => void>();
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        const draw = pending.get(e.target);
        if (!e.isIntersecting || !draw) continue;
        pending.delete(e.target);
        io.unobserve(e.target);
        draw();
      }
    },
    { root, rootMargin: '800px 0px' },
  );
  return {
    watch(el, draw) {
      pending.set(el, draw);
      io.observe(el);
    },
    recheck(el) {
      // Observing again makes the observer report the element's current state.
      io.unobserve(el);
      if (pending.has(el)) io.observe(el);
    },
  };
}
